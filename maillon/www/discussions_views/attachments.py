"""An attachment, downloaded only here (never a public MEDIA address): by whoever reads its
space, while its message is shown to them (a hidden message's files to the moderators only),
always as a download (`Content-Disposition: attachment`, `nosniff`)."""

from django.shortcuts import get_object_or_404

from maillon.discussions.models import Attachment

from ..space import allow
from ..spreadsheets import stored_file
from . import page
from .common import ensure_visible, policies
from .index import signed_in


@page("pieces-jointes/<int:attachment_id>/")
@allow("GET", check=signed_in)
def discussions_attachment(request, attachment_id):
    attachment = get_object_or_404(
        Attachment.objects.select_related("message__space__cpts", "message__space__organisation"), pk=attachment_id
    )
    message, user = attachment.message, request.user
    ensure_visible(policies.can_read_message_content(user, message))
    return stored_file(attachment.file, attachment.name, attachment.content_type)
