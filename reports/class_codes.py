"""The letters with the invitation codes of a class's families (models/accounts/class_codes.py gives the data):
one A4 page a family, in the family's language, ReportLab in the embedded font. No database.

The steps quote the portal's own words (the same messages the sign-up pages show), so a family reads on the screen
what the letter told them to press."""

from __future__ import annotations

from flask_babel import force_locale, gettext

from .pdf import FONT_BOLD, build_pdf, grid_table, para, title

SIZE = 11
DEFAULT_LANGUAGE = "ru"  # the portal's language for a visitor who has not chosen one (extensions.select_locale)


def _steps(portal: str, language: str) -> list[str]:
    steps = [gettext("Откройте в браузере телефона или компьютера адрес %(url)s.", url=portal)]
    if language != DEFAULT_LANGUAGE:  # the portal opens in Russian until its visitor picks another language
        steps.append(gettext("Вверху страницы выберите язык: кнопка «%(button)s».", button=language.upper()))
    return [
        *steps,
        gettext("Нажмите «%(link)s» вверху страницы.", link=gettext("У меня есть код")),
        gettext(
            "Введите код из этого письма в поле «%(field)s» и нажмите «%(button)s»: появится ваше имя, проверьте его.",
            field=gettext("Код приглашения"),
            button=gettext("Проверить код"),
        ),
        gettext(
            "Придумайте логин (от 3 до 40 латинских букв, цифр, точек, дефисов или подчёркиваний) и пароль (не "
            "короче 8 символов, не слишком простой) и повторите пароль."
        ),
        gettext(
            "Прочитайте согласие на обработку персональных данных, отметьте «%(consent)s» и нажмите «%(button)s».",
            consent=gettext("Я даю согласие на обработку персональных данных"),
            button=gettext("Создать учётную запись"),
        ),
        gettext(
            "Дальше входите в дневник по адресу %(url)s: «%(login)s», ваш логин и пароль.",
            url=portal,
            login=gettext("Войти"),
        ),
    ]


def _in_language(url: str, language: str) -> str:
    """The code page opened in the family's language (the portal reads ``?lang=``)."""
    return url if language == DEFAULT_LANGUAGE else f"{url}?lang={language}"


def _letter(letter, portal: str, invite_page: str, width: float) -> list:
    out = title(gettext("Доступ к электронному дневнику"), letter.school)
    out.append(para(gettext("Здравствуйте, %(name)s!", name=letter.guardian), SIZE, bold=True, space_after=6))
    out.append(
        para(
            gettext(
                "Школа приглашает вас в электронный дневник: в нём видны отметки, посещаемость, домашние задания и "
                "сообщения учителей. Обучающиеся: %(children)s, класс %(class_name)s.",
                children=", ".join(letter.children),
                class_name=letter.class_name,
            ),
            SIZE,
            space_after=10,
        )
    )
    code_style = [
        ("FONT", (1, 0), (1, 0), FONT_BOLD, 20, 24),
        ("BACKGROUND", (0, 0), (-1, -1), "#ffffff"),
        ("FONT", (0, 0), (0, -1), FONT_BOLD, SIZE, SIZE * 1.2),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]
    out.append(
        grid_table(
            [
                [gettext("Ваш код"), letter.code],
                [gettext("Действует до"), letter.expires],
                [gettext("Адрес дневника"), para(portal, SIZE)],
                [gettext("Страница ввода кода"), para(_in_language(invite_page, letter.language), SIZE)],
            ],
            [0.3 * width, 0.7 * width],
            SIZE,
            extra=code_style,
        )
    )
    heading = para(gettext("Как начать"), 13, bold=True, space_after=4)
    heading.style = heading.style.clone("steps-heading", spaceBefore=14)
    out.append(heading)
    for number, step in enumerate(_steps(portal, letter.language), 1):
        out.append(para(f"{number}. {step}", SIZE, space_after=4))
    note = para(
        gettext(
            "Код действует один раз и только до указанного срока; не передавайте его другим. Если код не подходит "
            "или срок истёк, попросите новый у классного руководителя."
        ),
        SIZE,
    )
    note.style = note.style.clone("note", spaceBefore=10)
    out.append(note)
    return out


def class_code_letters_pdf(letters: list, *, portal: str, invite_page: str) -> bytes:
    """``letters``: models.accounts.class_codes.Letter list; ``portal``: the address families open;
    ``invite_page``: the page where a code is entered. Every letter on a page of its own, in its language."""
    from reportlab.platypus import PageBreak

    def story(width: float, _height: float) -> list:
        out: list = []
        for letter in letters:
            if out:
                out.append(PageBreak())
            with force_locale(letter.language):
                out.extend(_letter(letter, portal, invite_page, width))
        return out

    return build_pdf(story, landscape=False)
