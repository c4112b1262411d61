"""The bid review pack as a PDF: its HTML (graphcrm/web/review.py renders it)
made into A4 pages by WeasyPrint, after checking that the fonts its language
needs are installed.

WeasyPrint lays text out with Pango, which finds fonts through fontconfig.
Where no installed font has the glyphs of a language, Pango draws empty
boxes ("tofu") and the PDF looks made but cannot be read: :func:`pdf_of`
refuses with :class:`MissingFont` instead, naming the Debian package to
install (``make fonts`` installs them).  fontconfig's ``fc-list`` answers
which fonts cover a language; Debian's Pango depends on the package that
ships it, so it is there wherever WeasyPrint can run.
"""

from __future__ import annotations

import shutil
import subprocess

from graphcrm.errors import ConfigError

__all__ = ["FONT_PACKAGES", "MissingFont", "pdf_of", "require_fonts"]

#: the Debian packages of the fonts each language of the pack is drawn with
#: (the stylesheet names these families first: templates/review/pack.html)
FONT_PACKAGES = {"en": "fonts-dejavu-core", "zh": "fonts-wqy-microhei"}

#: the language each UI language's text is checked for with fontconfig
_FONTCONFIG_LANG = {"en": "en", "zh": "zh-cn"}


class MissingFont(ConfigError):
    """No installed font can draw the pack's language: the PDF would show empty boxes."""


def require_fonts(lang: str) -> None:
    """Raise :class:`MissingFont` unless an installed font covers ``lang`` ('en' or 'zh')."""
    package = FONT_PACKAGES[lang]
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise MissingFont("fontconfig is not installed, so no PDF can be made: install Pango and fonts "
                          f"(Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0 {package}; or make fonts)")
    found = subprocess.run([fc_list, f":lang={_FONTCONFIG_LANG[lang]}", "family"], capture_output=True,
                           text=True, timeout=30, check=False).stdout.strip()
    if not found:
        raise MissingFont(f"no installed font can draw {'Chinese' if lang == 'zh' else 'English'} text, so the "
                          f"PDF would show empty boxes: install one (Debian: apt-get install {package}; or make fonts)")


def pdf_of(html: str, lang: str) -> bytes:
    """The PDF of the pack's ``html`` (a whole document, its own stylesheet
    inside), in language ``lang``; :class:`MissingFont` when no font can draw it."""
    require_fonts(lang)
    try:
        from weasyprint import HTML
    except OSError as exc:  # Pango's libraries are missing
        raise MissingFont(f"WeasyPrint cannot find Pango ({exc}): install it "
                          "(Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0; or make fonts)") from None
    return HTML(string=html).write_pdf()

