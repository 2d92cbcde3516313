import io
import json

import pytest
from django.test import RequestFactory
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from apps.api.common.parsers import LimitedJSONParser, RequestTooLarge, check_body_size

LIMIT = 1000


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.API_MAX_BODY_SIZE = LIMIT


def body_of(size):
    """A JSON document of exactly `size` bytes."""
    data = json.dumps({"x": ""}).encode()
    return json.dumps({"x": "a" * (size - len(data))}).encode()


class Echo(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [LimitedJSONParser]

    def post(self, request):
        return Response({"keys": sorted(request.data)})


def test_a_body_up_to_the_limit_is_parsed():
    assert len(body_of(LIMIT)) == LIMIT
    assert LimitedJSONParser().parse(io.BytesIO(body_of(LIMIT))) == {"x": "a" * (LIMIT - 9)}


def test_a_body_over_the_limit_is_refused_with_413():
    with pytest.raises(RequestTooLarge) as exc:
        LimitedJSONParser().parse(io.BytesIO(body_of(LIMIT + 1)))
    assert exc.value.status_code == 413


def test_the_check_reads_no_more_than_one_byte_past_the_limit():
    stream = io.BytesIO(b"x" * (LIMIT * 50))
    with pytest.raises(RequestTooLarge):
        check_body_size(stream, LIMIT)
    assert stream.tell() == LIMIT + 1
    assert check_body_size(None, LIMIT) == b""
    assert check_body_size(io.BytesIO(b"abc"), LIMIT) == b"abc"


def test_in_a_view_an_oversized_body_answers_413():
    request = APIRequestFactory().post("/", body_of(LIMIT + 1), content_type="application/json")
    response = Echo.as_view()(request)
    assert response.status_code == 413
    assert response.data["detail"] == "Request body too large."
    ok = Echo.as_view()(APIRequestFactory().post("/", body_of(LIMIT), content_type="application/json"))
    assert (ok.status_code, ok.data) == (200, {"keys": ["x"]})


def test_a_lying_content_length_gets_no_more_through():
    """The request claims 10 bytes while its stream (e.g. from a lax server) holds far more."""
    request = RequestFactory().post("/", body_of(LIMIT * 5), content_type="application/json")
    request.META["CONTENT_LENGTH"] = "10"
    request._stream = io.BytesIO(body_of(LIMIT * 5))  # an unbounded stream behind the claim
    drf_request = Request(request, parsers=[LimitedJSONParser()])
    with pytest.raises(RequestTooLarge):
        drf_request.data  # noqa: B018


def test_invalid_json_is_a_parse_error():
    with pytest.raises(exceptions.ParseError):
        LimitedJSONParser().parse(io.BytesIO(b"{not json"))
