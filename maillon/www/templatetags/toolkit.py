"""The web toolkit's template filters (maillon/www/toolkit): `{% load toolkit %}`."""

from django import template

from maillon.www.toolkit import dates

register = template.Library()


@register.filter
def week_label(day):
    """{{ monday|week_label }} → « semaine du 7 décembre 2026 »."""
    return dates.week_label(day) if day else ""
