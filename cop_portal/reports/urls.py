"""A community's reports (/c/<slug>/reports/...) and open data (/c/<slug>/open-data/...)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.report, name="index"),
    path("reports/recount/", views.report_recount, name="recount"),
    path("reports/print/", views.report_print, name="print"),
    path("reports/report.pdf", views.report_pdf, name="pdf"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/README.txt", views.open_data_readme, name="open_data_readme"),
    path("open-data/open-data.zip", views.open_data_bundle, name="open_data_bundle"),
]

# One fixed address per file (no free URL parameter): reverse("reports:open_data_file", kwargs=...)
# picks the pattern whose defaults match dataset and file_format.
for _dataset in ("public-meetings", "public-knowledge", "partners"):
    for _format in ("csv", "json"):
        urlpatterns.append(
            path(
                f"open-data/{_dataset}.{_format}",
                views.open_data_file,
                {"dataset": _dataset, "file_format": _format},
                name="open_data_file",
            )
        )
