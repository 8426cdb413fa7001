from django.shortcuts import render


def csrf_failure(request, reason=""):
    """Django's CSRF page is in English and technical: ours says what to do."""
    return render(request, "403_csrf.html", status=403)
