"""The demo data holds REBUILD's Summer School taking applications, with its questions, criteria, quotas and scores."""

from django.core import mail

from meetings import services
from meetings.models import Meeting, Quota, Registration


def test_rebuild_summer_school_takes_applications_with_scores_and_quotas(demo_data, client):
    school = Meeting.objects.get(uid="demo-rebuild-summer-school-applications@cop-portal")
    assert school.takes_applications and school.kind == Meeting.Kind.SUMMER_SCHOOL and not school.is_past
    labels = list(school.questions.order_by("position").values_list("label", flat=True))
    assert labels == ["Motivation", "Experience", "Organisation"]
    assert school.questions.get(label="Motivation").translations["ar"]["label"] == "الدافع"
    assert set(Quota.objects.filter(meeting=school).values_list("value", flat=True)) == {"LY", "TN", "IT"}
    applications = Registration.objects.filter(meeting=school, status=Registration.Status.PENDING)
    assert applications.count() == 3
    ranked = services.ranked(school, [Registration.Status.PENDING])
    assert all(candidate.average is not None for candidate in ranked)
    assert mail.outbox == [], "seeding emails nobody"

    # The named reviewer (Amal Ben Saïd) and the coordinator open the list with averages.
    from members.models import User

    client.force_login(User.objects.get(email="amal.bensaid@cop.demo"))
    url = f"/c/rebuild/meetings/{school.pk}/applications/"
    page = client.get(url).content.decode()
    assert "Nour Haddad" in page
    client.force_login(User.objects.get(email="member.rebuild@cop.demo"))
    assert client.get(url).status_code == 404, "an applicant does not review"
