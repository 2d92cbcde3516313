"""Demo content: a folder tree with documents, news posts (one with an attachment) and a picture
album of generated images. Everything is stored through the content services (so the files are
processed by the same task as uploads). Idempotent: records are found by their names."""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from apps.sales.models import Activity

from . import services
from .models import File, Folder, NewsPost, PictureAlbum

MINUTES = b"""Minutes of the board meeting

Present: the whole board.
1. The spaghetti dinner goes ahead.
2. The first aid course is full.
"""
BUDGET = b"item;amount\nHall;250\nFood;900\nDrinks;400\n"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
COLOURS = [("Sunset", (238, 120, 60)), ("Sea", (40, 110, 190)), ("Forest", (40, 140, 70))]


def _picture(colour) -> bytes:
    image = Image.new("RGB", (1200, 800), colour)
    draw = ImageDraw.Draw(image)
    for step in range(0, 800, 40):
        draw.line([(0, step), (1200, 800 - step)], fill=(255, 255, 255), width=3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _folder(name, parent=None) -> Folder:
    existing = Folder.objects.filter(name=name, parent=parent).first()
    return existing or services.create_folder(None, name=name, parent=parent, is_public=parent is None)


def _file(folder, name, content):
    if not File.objects.filter(folder=folder, name=name).exists():
        services.add_file(None, ContentFile(content, name=name), name=name, folder=folder)


def seed(stdout):
    documents = _folder("Documents")
    board = _folder("Board", documents)
    _folder("Archive", board)
    _file(board, "Minutes 2024-03.txt", MINUTES)
    _file(board, "Budget dinner.csv", BUDGET)
    _file(documents, "Statutes.pdf", PDF)

    if not NewsPost.objects.filter(title="Spaghetti dinner: tickets on sale").exists():
        post = services.create_news_post(
            None,
            title="Spaghetti dinner: tickets on sale",
            content="<p>Tickets for our yearly dinner are on sale. Members pay less.</p>",
            is_public=True,
        )
        services.add_attachment(None, post, ContentFile(BUDGET, name="menu.csv"), name="Menu.csv")
    if not NewsPost.objects.filter(title="Welcome to the new website").exists():
        services.create_news_post(
            None, title="Welcome to the new website", content="<p>Have a look around.</p>"
        )

    course = Activity.objects.filter(external_key="demo:course").first()
    if course is not None and not course.files.exists():
        services.add_attachment(None, course, ContentFile(PDF, name="programme.pdf"), name="Programme.pdf")

    album = PictureAlbum.objects.filter(name="Summer camp").first()
    if album is None:
        album = services.create_album(
            None, name="Summer camp", description="A week by the sea.", is_public=True
        )
    for name, colour in COLOURS:
        if not album.pictures.filter(name=name).exists():
            services.add_picture(
                None, album, ContentFile(_picture(colour), name=f"{name.lower()}.jpg"), name=name
            )
    counts = (Folder.objects.count(), File.objects.count(), album.pictures.count())
    stdout.write("Content: {} folders, {} files, {} pictures.".format(*counts))
