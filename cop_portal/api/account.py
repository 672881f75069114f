"""The person's API tokens page (/me/api-tokens/): create one (its key shown once), see when each was used, revoke."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .models import ApiToken
from .tokens import MAX_TOKENS, token_create, token_revoke


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “Calendar sync”."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("What it may do"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("A token acts as you: it sees what you see. A read token cannot change anything."),
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        return name


@never_cache
@login_required
def tokens_page(request):
    """List my tokens and create one (POST); the new key is shown on this answer only, never again."""
    tokens = ApiToken.objects.filter(user=request.user).usable()
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        if tokens.count() >= MAX_TOKENS:
            form.add_error(None, _("You have too many tokens: revoke one you no longer use first."))
        else:
            created = token_create(user=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"])
            new_key = created.key
            form = TokenForm()
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "api/tokens.html", {"form": form, "tokens": list(tokens), "new_key": new_key}, status=status)


@login_required
@require_POST
def token_revoke_view(request, token_pk):
    """Revoke one of my tokens: programs using it get 401 from now on."""
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=token_pk)
    token_revoke(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("me:api_tokens")
