"""The converters by name: ``FORMATS[name]`` is ``(import_docs, export_docs)``.

``import_docs(path) -> list[GoldDoc]`` returns documents with their text inline (the
tools carry the text); ``export_docs(docs, path)`` needs the texts attached. Moving
corpus texts in and out (sha256 stand-off) is the caller's job, see
:func:`govie.annotation.schema.attach_text` and :func:`~govie.annotation.schema.to_standoff`.
A new format is one module and one line here.
"""
from __future__ import annotations

from typing import Callable, NamedTuple, Sequence

from govie.annotation import docbin, doccano, labelstudio
from govie.annotation.schema import GoldDoc, PathLike


class Converter(NamedTuple):
    """A format's import and export function."""

    import_docs: Callable[[PathLike], list[GoldDoc]]
    export_docs: Callable[[Sequence[GoldDoc], PathLike], None]


FORMATS: dict[str, Converter] = {
    "labelstudio": Converter(labelstudio.import_docs, labelstudio.export_docs),
    "doccano": Converter(doccano.import_docs, doccano.export_docs),
    "docbin": Converter(docbin.import_docs, docbin.export_docs),
}

#: Formats offered by ``govie annotations import --from`` (DocBin is an export target for
#: spaCy training; reading it back exists for the lossless round-trip check).
IMPORT_FORMATS: tuple[str, ...] = ("labelstudio", "doccano")
EXPORT_FORMATS: tuple[str, ...] = ("labelstudio", "doccano", "docbin")
