"""Files chosen on a form survive a validation error elsewhere on the page.

A browser never sends a file twice: after an error its file input is empty, and the user had to
choose every file again. A form with `KeepsUploadsMixin` keeps instead each file the user chose,
once it has passed the app's own check (the same content checks as storing it), as a
`PendingUpload`: stored privately under pending/ at a random name, for its owner only, on the one
form it was chosen on (the keeper's `scope`), for a day. The question then shows "You chose
statement.pdf (12 KB) — it will be kept", with a box to tick to remove it, and the page carries
the kept files' ids in hidden inputs.

When the form is sent again, the kept files are given to its file fields as if chosen again (read
from storage), so they pass the form's and the service's checks once more, and the view attaches
them with its usual service; it then calls `form.kept_uploads_attached()`, which deletes the
pending rows and files. A file chosen afresh for a one-file question replaces the one kept.

Nobody else can claim a kept file: ids are looked up with the owner, the scope and the question,
and only until they expire. Expired ones are deleted by the daily clean-up of uploads
(kit.uploads.orphan_uploads_delete). Pending uploads are not audited: they are the user's own
unsent input, like text typed into a form; what is attached is audited by the app's service.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from django import forms
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext

from childnrm.kit.ids import as_id
from childnrm.kit.models import PendingUpload

PENDING_LIFETIME = timedelta(days=1)
# However often a page is sent back, one question keeps no more files than this.
MAX_KEPT_PER_FIELD = 10


def too_many_files(most: int) -> str:
    """The error for a question given more than `most` files, in the reader's language: one message for every
    form that takes several files (the kit's catalogue)."""
    return gettext("Select %(max)s files or fewer") % {"max": most}


Check = Callable[[UploadedFile], str]
"""An app's check of a chosen file before it is kept: returns the extension to store it under (its
detected type) or raises forms.ValidationError with the reason, as the page shows it."""


@dataclass(frozen=True)
class UploadKeeper:
    """Who the files are kept for, on which form, and the app's check (see the module docstring)."""

    owner: Any  # the signed-in user
    scope: str  # the form and record, e.g. "referrals:documents:42"
    check: Check


class KeptFile(UploadedFile):
    """A kept file given to the form as if chosen again: its original name and size, its content read
    from private storage."""

    def __init__(self, pending: PendingUpload) -> None:
        content = pending.file.storage.open(pending.file.name, "rb")
        super().__init__(file=content, name=pending.original_name, size=pending.size)
        self.pending = pending


def size_words(size: int) -> str:
    """A file's size as people read it: "640 bytes", "12 KB", "2.4 MB"."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def pending_upload_keep(
    *, keeper: UploadKeeper, field_name: str, upload: UploadedFile, extension: str
) -> PendingUpload:
    """Store a checked file for its owner; the row is written after the file and the file goes if it is not."""
    pending = PendingUpload(
        owner=keeper.owner,
        scope=keeper.scope,
        field_name=field_name,
        original_name=(upload.name or f"file.{extension}")[-255:],
        size=upload.size or 0,
        expires_at=timezone.now() + PENDING_LIFETIME,
    )
    upload.seek(0)
    pending.file.save(f"upload.{extension}", File(upload), save=False)
    try:
        pending.save()
    except BaseException:
        pending.file.delete(save=False)
        raise
    return pending


def pending_upload_delete(pending: PendingUpload) -> None:
    storage, name = pending.file.storage, pending.file.name
    pending.delete()
    storage.delete(name)


def expired_pending_uploads_delete(*, storage: Storage | None = None) -> list[str]:
    """Delete pending uploads past their expiry, rows and files; returns the stored names deleted."""
    storage = storage or default_storage
    names = []
    for pending in PendingUpload.objects.filter(expires_at__lte=timezone.now()).order_by("pk").iterator():
        pending.delete()
        storage.delete(pending.file.name)
        names.append(pending.file.name)
    return names


def _posted(data: Mapping[str, Any], key: str) -> list[str]:
    """Every value sent under `key`: a QueryDict's list, or a plain dict's value (a form built in code)."""
    if isinstance(data, MultiValueDict):
        return [str(v) for v in data.getlist(key)]
    value = data.get(key, [])
    return [str(v) for v in (value if isinstance(value, list | tuple) else [value])]


def _ids(values: list[str]) -> set[int]:
    return {found for v in values if (found := as_id(v)) is not None}


def _multiple(field: forms.Field) -> bool:
    return bool(getattr(field.widget, "allow_multiple_selected", False))


class KeepsUploadsMixin:
    """For a form with file inputs: what the user chose survives an error elsewhere on the page.

    Put it first in the bases. The view passes `keeper=UploadKeeper(...)` and, once the form's files
    are attached, calls `kept_uploads_attached()`. Templates need nothing: `field()` shows what is kept.
    """

    keeper: UploadKeeper | None = None
    _cleaning = False
    _keeping = False

    def __init__(self, *args: Any, keeper: UploadKeeper | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keeper = keeper
        self.kept: dict[str, list[PendingUpload]] = {}
        self._chosen: dict[str, list[UploadedFile]] = {}
        if keeper is not None and self.is_bound:  # type: ignore[attr-defined]
            self._claim_kept(keeper)

    # Names of the inputs the kept-files block writes (field() renders it) --------------------------

    def kept_input_name(self, name: str) -> str:
        return f"{self.add_prefix(name)}-kept"  # type: ignore[attr-defined]

    def kept_remove_input_name(self, name: str) -> str:
        return f"{self.add_prefix(name)}-kept-remove"  # type: ignore[attr-defined]

    def has_kept(self) -> bool:
        return any(self.kept.values())

    def kept_uploads_attached(self) -> None:
        """The form's files are attached (the service has committed): the kept copies go."""
        for rows in self.kept.values():
            for pending in rows:
                pending_upload_delete(pending)
        self.kept = {name: [] for name in self.kept}

    # Validation -------------------------------------------------------------------------------------

    def _claim_kept(self, keeper: UploadKeeper) -> None:
        form = cast(forms.BaseForm, self)
        data = form.data
        files: MultiValueDict = MultiValueDict()
        for key, value in form.files.items():  # a QueryDict's lists, or a plain dict's values (a form built in code)
            sent = form.files.getlist(key) if isinstance(form.files, MultiValueDict) else value
            files.setlist(key, list(sent) if isinstance(sent, list | tuple) else [sent])
        for name, field in form.fields.items():
            if not isinstance(field, forms.FileField):
                continue
            key = form.add_prefix(name)
            chosen = [f for f in files.getlist(key) if f]
            rows = list(
                PendingUpload.objects.filter(
                    pk__in=_ids(_posted(data, self.kept_input_name(name))),
                    owner=keeper.owner,
                    scope=keeper.scope,
                    field_name=name,
                    expires_at__gt=timezone.now(),
                ).order_by("created_at", "pk")
            )
            removed = _ids(_posted(data, self.kept_remove_input_name(name)))
            # Someone used to choosing files again after an error chooses the same one: the new choice
            # stands in for the kept copy rather than sending it twice.
            again = {(upload.name, upload.size) for upload in chosen}
            removed |= {p.pk for p in rows if (p.original_name, p.size) in again}
            kept: list[PendingUpload] = []
            given: list[UploadedFile] = []
            for pending in rows:
                if pending.pk in removed:
                    pending_upload_delete(pending)
                    continue
                try:
                    given.append(KeptFile(pending))
                except FileNotFoundError:  # its file has gone (restored from a backup without it): forget it
                    pending.delete()
                else:
                    kept.append(pending)
            self.kept[name], self._chosen[name] = kept, chosen
            if _multiple(field):
                files.setlist(key, [*given, *chosen])
            elif given and not chosen:
                files.setlist(key, given[-1:])
        form.files = files

    def full_clean(self) -> None:
        self._cleaning = True
        try:
            super().full_clean()  # type: ignore[misc]
        finally:
            self._cleaning = False
        if self._errors:  # type: ignore[attr-defined]
            self._keep_chosen()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        # An error the view adds after validation (a service's refusal) sends the page back too.
        if not self._cleaning:
            self._keep_chosen()

    def _keep_chosen(self) -> None:
        """Keep each file chosen with this request that passes the app's check (the page is going back)."""
        if self.keeper is None or self._keeping:
            return
        self._keeping = True
        try:
            for name, chosen in self._chosen.items():
                self._chosen[name] = []  # each file is kept once, however many errors follow
                multiple = _multiple(self.fields[name])  # type: ignore[attr-defined]
                for upload in chosen:
                    pending = self._keep_one(name, upload)
                    if pending is None:
                        continue
                    if not multiple:  # a one-file question: the file chosen now replaces the one kept
                        for replaced in self.kept[name]:
                            pending_upload_delete(replaced)
                        self.kept[name] = []
                    self.kept[name].append(pending)
        finally:
            self._keeping = False

    def _keep_one(self, name: str, upload: UploadedFile) -> PendingUpload | None:
        assert self.keeper is not None
        if len(self.kept[name]) >= MAX_KEPT_PER_FIELD:
            if not self.has_error(name):  # type: ignore[attr-defined]
                self.add_error(name, too_many_files(MAX_KEPT_PER_FIELD))
            return None
        try:
            extension = self.keeper.check(upload)
        except forms.ValidationError as refusal:
            # Refused files are not kept; the form's own error about the file, if any, already says why.
            if not self.has_error(name):  # type: ignore[attr-defined]
                self.add_error(name, refusal)
            return None
        return pending_upload_keep(keeper=self.keeper, field_name=name, upload=upload, extension=extension)


def kept_for(bf: forms.BoundField) -> dict[str, Any] | None:
    """What `field()` needs to show the files kept for a question, or None if there are none."""
    form = bf.form
    if not isinstance(form, KeepsUploadsMixin):
        return None
    rows = form.kept.get(bf.name)
    if not rows:
        return None
    return {
        "id": bf.auto_id,
        "kept_name": form.kept_input_name(bf.name),
        "remove_name": form.kept_remove_input_name(bf.name),
        "uploads": [{"pk": p.pk, "name": p.original_name, "size": size_words(p.size)} for p in rows],
        "multiple": _multiple(bf.field),
    }
