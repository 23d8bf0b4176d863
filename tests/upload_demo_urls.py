"""A demo page for the upload widget (renaksi/static/work/upload.js), for the browser test
only: Renaksi's routes plus a form with one file input (period 0: without a target period).
Its POST answers with what the form carried (staged ids, plain files, the text typed)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from renaksi.urls import urlpatterns as renaksi_urlpatterns

PAGE = """{% load static %}<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo unggah</title>
<link rel="stylesheet" href="{% static 'renaksi/app.css' %}">
<link rel="stylesheet" href="{% static 'work/upload.css' %}">
<script src="{% static 'work/upload.js' %}" defer></script></head>
<body><main class="container"><h1>Demo unggah bukti dukung</h1>
<form method="post" enctype="multipart/form-data" action="">{% csrf_token %}
<p><label for="id_narrative">Uraian</label>
<textarea id="id_narrative" name="narrative"></textarea></p>
<div class="field"><label for="id_files">Berkas</label>
<input type="file" name="files" id="id_files" multiple
 data-upload-stage="{% url 'work:upload_stage' %}"
 {% if period %} data-upload-period="{{ period }}"{% endif %}></div>
<p><button class="button button--primary" type="submit">Simpan</button></p>
</form></main></body></html>"""


def demo(request, period):
    if request.method == "POST":
        return HttpResponse(
            "staged="
            + ",".join(request.POST.getlist("staged"))
            + ";files="
            + ",".join(f.name for f in request.FILES.getlist("files"))
            + ";narrative="
            + request.POST.get("narrative", ""),
            content_type="text/plain; charset=utf-8",
        )
    template = engines["django"].from_string(PAGE)
    return HttpResponse(template.render({"period": period}, request))


urlpatterns = [*renaksi_urlpatterns, path("demo-unggah/<int:period>/", demo)]
