"""Console programmes: the running programme's rules in plain words, its published
versions, a diff between two versions in words, and publishing a changed file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from selfcare.console.programs import (
    MAX_PROGRAM_CHARS,
    diff_programs,
    publish_program,
    version_program,
    versions_of,
)
from selfcare.domain.operators import ProgramVersionRecord, Role
from selfcare.errors import SelfcareError
from selfcare.program.digest import program_digest
from selfcare.program.explain import explain_text
from selfcare.web.deps import Ctx
from selfcare.web.pages.language import Lang
from selfcare.web.pages.operator_auth import (
    PREFIX,
    PRIVATE,
    PageLang,
    ProgramManager,
    Viewer,
    check_form,
    message,
    render,
)
from selfcare.web.pages.operator_texts import TEXTS

router = APIRouter()
Version = Annotated[int, Query(ge=1, le=1_000_000)]


@router.get("/programs", response_class=HTMLResponse, name="operator_programs")
def programs(
    request: Request,
    ctx: Ctx,
    operator: Viewer,
    lang: PageLang,
    published: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
    unchanged: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> HTMLResponse:
    return _programs_page(request, ctx, operator, lang, published=published, unchanged=unchanged)


def _programs_page(
    request: Request,
    ctx: Ctx,
    operator: Viewer,
    lang: Lang,
    *,
    published: int | None = None,
    unchanged: int | None = None,
    error: str | None = None,
    text: str = "",
) -> HTMLResponse:
    program = ctx.app.program
    versions = versions_of(uow=ctx.app.uow, program_id=program.id)
    digest = program_digest(program)
    running = next((v.version for v in reversed(versions) if v.digest == digest), None)
    t = TEXTS[lang]
    notice = None
    if published is not None:
        key = "published" if ctx.app.programs.follows_published else "published_pinned"
        notice = t[key].format(version=published, id=program.id)
    elif unchanged is not None:
        notice = t["unchanged"].format(version=unchanged)
    return render(
        request,
        "operator_programs.html",
        lang=lang,
        operator=operator,
        section="programs",
        status=422 if error else 200,
        page_path=f"{PREFIX}/programs",
        program=program,
        rules=rule_blocks(explain_text(program, lang).splitlines()[1:]),
        versions=[_row(v, running) for v in reversed(versions)],
        running=running,
        digest=digest[:12],
        from_file=ctx.app.settings.program_path,
        may_publish=operator.allows(Role.PROGRAM_MANAGER),
        notice=notice,
        error=error,
        text=text,
        max_chars=MAX_PROGRAM_CHARS,
    )


def rule_blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """`program explain`'s lines as paragraphs and lists ("- " lines), for the page."""
    blocks: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.startswith("- "):
            if not blocks or blocks[-1][0] != "ul":
                blocks.append(("ul", []))
            blocks[-1][1].append(line[2:])
        elif line.strip():
            blocks.append(("p", [line]))
    return blocks


def _row(version: ProgramVersionRecord, running: int | None) -> dict[str, object]:
    return {
        "version": version.version,
        "program_id": version.program_id,
        "published_at": version.published_at.strftime("%Y-%m-%d %H:%M"),
        "published_by": version.published_by,
        "note": version.note,
        "digest": version.digest[:12],
        "running": version.version == running,
    }


@router.post("/programs/publish", name="operator_programs_publish")
async def publish(
    request: Request,
    ctx: Ctx,
    operator: ProgramManager,
    lang: PageLang,
    csrf: Annotated[str, Form(max_length=200)] = "",
    program_text: Annotated[str, Form(max_length=MAX_PROGRAM_CHARS)] = "",
    program_file: UploadFile | None = None,
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Publish the pasted or uploaded file; back to the programme page (POST/redirect/GET)."""
    check_form(request, operator, csrf)
    text = program_text.strip()
    if program_file is not None and program_file.filename:
        upload = await program_file.read(MAX_PROGRAM_CHARS * 4 + 1)
        text = upload.decode("utf-8", errors="replace").strip() or text
    if not text:
        return _programs_page(request, ctx, operator, lang, error=TEXTS[lang]["publish_empty"])
    try:
        done = await ctx.write(
            publish_program, uow=ctx.app.uow, text=text, actor=operator.name, note=note
        )
    except SelfcareError as exc:
        return _programs_page(request, ctx, operator, lang, error=str(exc), text=text)
    ctx.app.programs.refresh()  # this process takes the new version up at once
    key = "published" if done.created else "unchanged"
    target = f"{PREFIX}/programs?lang={lang}&{key}={done.version.version}"
    return RedirectResponse(target, status_code=303, headers=PRIVATE)


@router.get(
    "/programs/{program_id}/versions/{version}",
    response_class=HTMLResponse,
    name="operator_program_version",
)
def version_page(
    request: Request, ctx: Ctx, operator: Viewer, lang: PageLang, program_id: str, version: int
) -> HTMLResponse:
    found = _version(ctx, program_id, version)
    if found is None:
        return _not_found(request, operator, lang)
    program = version_program(found)
    return render(
        request,
        "operator_program_version.html",
        lang=lang,
        operator=operator,
        section="programs",
        version=_row(found, None),
        rules=rule_blocks(explain_text(program, lang).splitlines()),
        source=found.source_text,
    )


@router.get("/programs/{program_id}/diff", response_class=HTMLResponse, name="operator_diff")
def diff_page(
    request: Request,
    ctx: Ctx,
    operator: Viewer,
    lang: PageLang,
    program_id: str,
    old: Annotated[int, Query(alias="from", ge=1, le=1_000_000)],
    new: Annotated[int, Query(alias="to", ge=1, le=1_000_000)],
) -> HTMLResponse:
    before, after = _version(ctx, program_id, old), _version(ctx, program_id, new)
    if before is None or after is None:
        return _not_found(request, operator, lang)
    changes = diff_programs(version_program(before), version_program(after), lang)
    return render(
        request,
        "operator_program_diff.html",
        lang=lang,
        operator=operator,
        section="programs",
        program_id=program_id,
        old=old,
        new=new,
        changes=changes,
    )


def _version(ctx: Ctx, program_id: str, version: int) -> ProgramVersionRecord | None:
    versions = versions_of(uow=ctx.app.uow, program_id=program_id[:128])
    return next((v for v in versions if v.version == version), None)


def _not_found(request: Request, operator: Viewer, lang: Lang) -> HTMLResponse:
    t = TEXTS[lang]
    return message(
        request,
        lang=lang,
        operator=operator,
        title=t["not_found_title"],
        lines=[t["not_found_title"]],
        status=404,
        section="programs",
    )
