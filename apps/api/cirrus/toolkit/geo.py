"""Proximity: the great-circle (haversine) distance in kilometres, in SQL where it filters and in
Python where it is shown. The SQL first narrows to a latitude/longitude bounding box (which the
(latitude, longitude) index of addresses serves), then compares the exact distance."""

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import ExpressionWrapper, F, FloatField, Q, Value
from django.db.models.functions import ASin, Cast, Cos, Power, Radians, Sin, Sqrt

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180

NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
POINT = re.compile(rf"^\{{?\s*({NUMBER})\s*[,;\s]\s*({NUMBER})\s*\}}?$")


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


def parse_point(raw: str) -> Point | None:
    """`lat,lng`, with or without braces or spaces; None when it is not a point on Earth."""
    match = POINT.match((raw or "").strip())
    if not match:
        return None
    latitude, longitude = float(match.group(1)), float(match.group(2))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return Point(latitude, longitude)


def distance_km(origin: Point, latitude, longitude) -> float | None:
    """Haversine distance from origin to a stored (Decimal or float) coordinate; None when unset."""
    if latitude is None or longitude is None:
        return None
    lat1, lng1 = math.radians(origin.latitude), math.radians(origin.longitude)
    lat2, lng2 = math.radians(float(latitude)), math.radians(float(longitude))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def format_km(value: float | None) -> str | None:
    return None if value is None else f"{value:.3f}"


def distance_expression(origin: Point, latitude: str = "latitude", longitude: str = "longitude"):
    """The haversine distance in km from origin to the row's coordinate columns, as SQL."""
    lat = Radians(Cast(F(latitude), FloatField()))
    lng = Radians(Cast(F(longitude), FloatField()))
    lat0 = math.radians(origin.latitude)
    lng0 = math.radians(origin.longitude)
    half_dlat = Sin((lat - Value(lat0)) / Value(2.0))
    half_dlng = Sin((lng - Value(lng0)) / Value(2.0))
    a = Power(half_dlat, 2) + Value(math.cos(lat0)) * Cos(lat) * Power(half_dlng, 2)
    return ExpressionWrapper(Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(a)), output_field=FloatField())


def bounding_box(origin: Point, km: float, latitude: str = "latitude", longitude: str = "longitude") -> Q:
    """Rows whose coordinates lie in a box around origin that holds every point within `km`
    (a cheap indexed pre-filter; the exact distance is compared after it)."""
    dlat = km / KM_PER_DEGREE + 1e-5  # a little wider than needed: stored values have 6 decimals
    lat_min, lat_max = origin.latitude - dlat, origin.latitude + dlat
    box = Q(**{f"{latitude}__gte": _dec(max(lat_min, -90)), f"{latitude}__lte": _dec(min(lat_max, 90))})
    widest = max(abs(lat_min), abs(lat_max))
    if widest >= 89.9:  # the box reaches a pole: every longitude
        return box
    dlng = dlat / math.cos(math.radians(widest))
    if dlng >= 180:
        return box
    lng_min, lng_max = origin.longitude - dlng, origin.longitude + dlng
    if lng_min < -180:  # crosses the antimeridian
        return box & (
            Q(**{f"{longitude}__gte": _dec(lng_min + 360)}) | Q(**{f"{longitude}__lte": _dec(lng_max)})
        )
    if lng_max > 180:
        return box & (
            Q(**{f"{longitude}__gte": _dec(lng_min)}) | Q(**{f"{longitude}__lte": _dec(lng_max - 360)})
        )
    return box & Q(**{f"{longitude}__gte": _dec(lng_min), f"{longitude}__lte": _dec(lng_max)})


def _dec(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")
