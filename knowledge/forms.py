"""Forms of the knowledge pages; they validate input, the services write."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from taggit.utils import edit_string_for_tags

from communities.models import Community, Group, Membership
from communities.theme_fields import ThemesField, theme_suggestions
from members.bidi import interface_language
from members.models import Organization, User
from members.typography import join_comma

from .files import ALLOWED_EXTENSIONS, check_upload, max_upload_size
from .models import Collection, KnowledgeItem, Licence, Review
from .services import AuthorSpec


def meeting_model():
    """Return meetings.Meeting when the meetings app has it, else None."""
    try:
        from meetings.models import Meeting
    except ImportError:
        return None
    return Meeting


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name()} ({obj.organization})" if obj.organization_id else obj.get_full_name()


class MembersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name()} ({obj.organization})" if obj.organization_id else obj.get_full_name()


def community_members(community: Community):
    member_ids = Membership.objects.active().community_level().filter(community=community).values("user_id")
    return User.objects.filter(pk__in=member_ids, is_active=True).select_related("organization").order_by("full_name")


def community_organizations(community: Community):
    """Return the organisations of the community: its partners and its members' organisations."""
    member_ids = Membership.objects.active().community_level().filter(community=community).values("user_id")
    return (
        Organization.objects.filter(Q(partnerships__community=community) | Q(people__in=member_ids))
        .distinct()
        .order_by("name")
    )


class FileField(forms.FileField):
    """An upload checked by size, name and content before anything is stored."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("File"))
        kwargs.setdefault(
            "help_text",
            _("Up to %(size)d MB: %(types)s.")
            % {"size": max_upload_size() // (1024 * 1024), "types": join_comma(ALLOWED_EXTENSIONS)},
        )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ",".join(f".{ext}" for ext in ALLOWED_EXTENSIONS))

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            check_upload(upload)
        return upload


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=KnowledgeItem.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown: **bold**, *italic*, - lists, [links](https://example.org)."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=KnowledgeItem.Visibility.choices)
    group = forms.ModelChoiceField(label=_("Group"), queryset=Group.objects.none(), required=False)
    themes = ThemesField(label=_("Themes"))
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organisations"), queryset=Organization.objects.none(), required=False
    )
    licence = forms.ChoiceField(label=_("Licence"), choices=[("", _("Not stated")), *Licence.choices], required=False)
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: a web address, or a title | https://address."),
    )
    file = FileField()

    def __init__(self, *args, community: Community, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["group"].queryset = Group.objects.visible_to(user).filter(community=community).in_order()
        # Offer only groups in use (and the item's own); the service refuses an archived one with a message.
        offered = self.fields["group"].queryset.filter(Q(archived_at__isnull=True) | Q(pk=self.initial.get("group")))
        self.fields["group"].choices = [("", self.fields["group"].empty_label), *((g.pk, str(g)) for g in offered)]
        self.fields["organizations"].queryset = community_organizations(community)
        # The author writes in the language they read the portal in, unless they say otherwise.
        self.fields["language"].initial = interface_language()
        self.fields["themes"].set_suggestions(theme_suggestions(community))
        self.fields["visibility"].initial = KnowledgeItem.Visibility.COMMUNITY
        Meeting = meeting_model()
        if Meeting is not None and hasattr(KnowledgeItem, "meeting"):
            self.fields["meeting"] = forms.ModelChoiceField(
                label=_("Meeting it came from"),
                queryset=Meeting.objects.visible_to(user).filter(community=community),
                required=False,
            )

    @staticmethod
    def initial_for(item: KnowledgeItem) -> dict:
        initial = {
            "kind": item.kind,
            "title": item.title,
            "summary": item.summary,
            "body": item.body,
            "language": item.language,
            "visibility": item.visibility,
            "group": item.group_id,
            "themes": edit_string_for_tags(list(item.themes.all())),
            "organizations": list(item.organizations.values_list("pk", flat=True)),
            "licence": item.licence,
            "links": "\n".join(
                f"{link['title']} | {link['url']}" if link.get("title") else link["url"] for link in item.links
            ),
        }
        if hasattr(item, "meeting_id"):
            initial["meeting"] = item.meeting_id
        return initial

    def clean_links(self):
        links = []
        for line in self.cleaned_data["links"].splitlines():
            line = line.strip()
            if not line:
                continue
            title, sep, url = line.rpartition("|")
            links.append({"title": title.strip(), "url": url.strip()} if sep else {"title": "", "url": line})
        return links

    def clean(self):
        data = super().clean()
        if data.get("visibility") == KnowledgeItem.Visibility.GROUP and not data.get("group"):
            self.add_error("group", _("Choose the group that may see the item."))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in ("kind", "title", "summary", "body", "language", "visibility", "group", "licence", "links")
        }
        if "meeting" in self.fields:
            fields["meeting"] = data.get("meeting")
        return fields


class AuthorForm(forms.Form):
    order = forms.IntegerField(label=_("Order"), min_value=1, max_value=99, required=False)
    user = MemberChoiceField(label=_("Member"), queryset=User.objects.none(), required=False)
    name = forms.CharField(label=_("or external author's name"), max_length=200, required=False)
    affiliation = forms.CharField(label=_("Affiliation"), max_length=200, required=False)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["user"].queryset = members

    def clean(self):
        data = super().clean()
        if data.get("user") and data.get("name"):
            raise ValidationError(_("Choose a member or write an external author's name, not both."))
        return data


class BaseAuthorFormSet(forms.BaseFormSet):
    def __init__(self, *args, members=None, **kwargs):
        self.members = members
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"members": self.members}

    def authors(self) -> list[AuthorSpec]:
        """Return the authors in the order given (rows without an order keep their place after numbered ones)."""
        rows = []
        for index, form in enumerate(self.forms):
            data = getattr(form, "cleaned_data", None) or {}
            if not data.get("user") and not data.get("name"):
                continue
            order = data.get("order") or 100 + index
            spec = AuthorSpec(user=data.get("user"), name=data.get("name", ""), affiliation=data.get("affiliation", ""))
            rows.append((order, index, spec))
        return [spec for _order, _index, spec in sorted(rows, key=lambda row: (row[0], row[1]))]

    def clean(self):
        if any(self.errors):
            return
        if not self.authors():
            raise ValidationError(_("An item needs at least one author."))


AuthorFormSet = forms.formset_factory(AuthorForm, formset=BaseAuthorFormSet, extra=3, max_num=30, validate_max=True)


def author_initial(item: KnowledgeItem | None, user) -> list[dict]:
    if item is None:
        return [{"order": 1, "user": user.pk}]
    return [
        {"order": a.order, "user": a.user_id, "name": a.name, "affiliation": a.affiliation}
        for a in item.authorships.all()
    ]


class UploadForm(forms.Form):
    file = FileField(required=True)


def _as_id(text: str) -> int | None:
    """Return text as a database id when it is one (the links of older pages carry ids), else None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


class SuggestionsInput(forms.TextInput):
    """A text input tied to a <datalist> of suggestions: typing works without JavaScript, the list stays short."""

    template_name = "communities/widgets/themes_input.html"

    def __init__(self, attrs=None, suggestions=()):
        super().__init__(attrs)
        self.suggestions = list(suggestions)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        if self.suggestions:
            list_id = f"{widget['attrs'].get('id') or name}-suggestions"
            widget["attrs"]["list"] = list_id
            widget["list_id"] = list_id
            widget["suggestions"] = self.suggestions
        return context


class ItemFilterForm(forms.Form):
    """GET filters of the list; unknown values are ignored rather than failing the page.

    Theme, author and organisation are typed (a name or part of one; the ids and slugs of older
    links still work), with the most used in the community's recent items as suggestions: a
    community with thousands of authors does not send them all in every page.
    """

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    theme = forms.CharField(label=_("Theme"), required=False, max_length=100)
    group = forms.ChoiceField(label=_("Group"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    author = forms.CharField(label=_("Author"), required=False, max_length=100)
    organization = forms.CharField(label=_("Organisation"), required=False, max_length=100)
    published_after = forms.DateField(
        label=_("Published from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    published_before = forms.DateField(
        label=_("Published until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, groups=(), authors=(), organizations=(), themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["kind"].choices = everything + list(KnowledgeItem.Kind.choices)
        self.fields["language"].choices = everything + list(settings.LANGUAGES)
        self.fields["group"].choices = everything + [(g.slug, g.name) for g in groups]
        self.fields["author"].widget = SuggestionsInput(suggestions=list(authors))
        self.fields["organization"].widget = SuggestionsInput(suggestions=list(organizations))
        self.fields["theme"].widget = SuggestionsInput(suggestions=list(themes))

    def apply(self, items):
        """Return items filtered; each filter is a subquery of ids, so no row comes twice (no DISTINCT)."""
        from taggit.models import Tag

        from .models import ItemAuthor

        if not self.is_valid():
            return items
        data = self.cleaned_data
        if data.get("kind"):
            items = items.filter(kind=data["kind"])
        if theme := data.get("theme", "").strip():
            tags = Tag.objects.filter(Q(slug=theme) | Q(name__icontains=theme)).values("pk")
            items = items.filter(pk__in=KnowledgeItem.objects.filter(themes__in=tags).values("pk"))
        if data.get("group"):
            items = items.filter(group__slug=data["group"])
        if data.get("language"):
            items = items.filter(language=data["language"])
        if author := data.get("author", "").strip():
            if (author_id := _as_id(author)) is not None:
                authorships = ItemAuthor.objects.filter(user_id=author_id)
            else:
                authorships = ItemAuthor.objects.filter(
                    Q(user__full_name__icontains=author) | Q(name__icontains=author)
                )
            items = items.filter(pk__in=authorships.values("item_id"))
        if organization := data.get("organization", "").strip():
            organization_id = _as_id(organization)
            key = Q(pk=organization_id) if organization_id is not None else Q(name__icontains=organization)
            organizations = Organization.objects.filter(key).values("pk")
            items = items.filter(pk__in=KnowledgeItem.objects.filter(organizations__in=organizations).values("pk"))
        if data.get("published_after"):
            items = items.filter(published_at__date__gte=data["published_after"])
        if data.get("published_before"):
            items = items.filter(published_at__date__lte=data["published_before"])
        return items


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown is allowed."),
    )


class CollectionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    introduction = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 8}), help_text=_("Markdown.")
    )
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=Collection.Visibility.choices)
    editor = MemberChoiceField(label=_("Editor"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["editor"].queryset = community_members(community)
        self.fields["visibility"].initial = Collection.Visibility.COMMUNITY


class CollectionAddItemForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Add an item"), queryset=KnowledgeItem.objects.none())

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class ReviewRequestForm(forms.Form):
    reviewers = MembersChoiceField(
        label=_("Reviewers"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Or all members of these organisations"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    message = forms.CharField(
        label=_("What should reviewers look at?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, community: Community, exclude_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = community_members(community).exclude(pk__in=exclude_ids)
        self.fields["organizations"].queryset = community_organizations(community)

    def clean(self):
        data = super().clean()
        if not data.get("reviewers") and not data.get("organizations"):
            raise ValidationError(_("Choose reviewers or organisations."))
        return data


class ReviewForm(forms.Form):
    strengths = forms.CharField(label=_("Strengths"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4}))
    weaknesses = forms.CharField(label=_("Weaknesses"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4}))
    recommendations = forms.CharField(
        label=_("Recommendations"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )
    opinion = forms.ChoiceField(label=_("Overall opinion"), choices=Review.Opinion.choices, widget=forms.RadioSelect)


class ResponseForm(forms.Form):
    response = forms.CharField(label=_("Authors' response"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))


class TranslationCreateForm(forms.Form):
    """Add a translation: the language of the new draft, one the item's set lacks."""

    language = forms.ChoiceField(label=_("Language of the translation"))

    def __init__(self, *args, missing: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = missing


ITEM_ADDRESS = re.compile(r"/items/(\d+)/?")


class TranslationLinkForm(forms.Form):
    """Link an item that exists as a translation: its address on the portal, or its number."""

    other = forms.CharField(
        label=_("Address or number of the item in another language"),
        max_length=500,
        help_text=_("For example https://…/knowledge/items/42/ or 42."),
    )

    def clean_other(self) -> int:
        value = self.cleaned_data["other"].strip()
        found = ITEM_ADDRESS.search(value)
        number = found.group(1) if found else value
        if not number.isdigit() or len(number) > 12:
            raise ValidationError(_("Give the address of an item of this community, or its number."))
        return int(number)


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on form: on its fields when they exist, else at the top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
