"""Upload a material's PDF through the real service into the S3 bucket the QAMQOR_MEDIA_S3_*
variables name, fetch it back through the material's view as a parent's phone would, then
delete the material again (docs/deploy.md, "Uploads in a bucket, tried").

    manage.py shell --no-imports < deploy/trial_s3.py
"""

from botocore.exceptions import ClientError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from qamqor.orgs.models import Organization
from qamqor.portal.services import material_create, material_publish

storage = storages["default"]
print(
    "storage:",
    type(storage).__module__ + "." + type(storage).__name__,
    "endpoint:",
    storage.endpoint_url,
    "bucket:",
    storage.bucket_name,
)
client = storage.connection.meta.client
try:
    client.head_bucket(Bucket=storage.bucket_name)
except ClientError:
    client.create_bucket(Bucket=storage.bucket_name)  # a stand-in server starts empty
org = Organization.objects.filter(consultation_point__is_open=True).order_by("pk").first()
pdf = b"%PDF-1.4\n% Qamqor S3 trial\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
material = material_create(
    organization=org,
    by=None,
    kind="memo",
    title_kk="Жадынама",
    title_ru="Памятка",
    language="kk",
    upload=SimpleUploadedFile("ата-ана жадынамасы.pdf", pdf, "application/pdf"),
)
material_publish(material=material, by=None)
print("objects in the bucket:", [o.key for o in storage.bucket.objects.all()])
response = Client().get(reverse("portal:material_file", args=[material.pk]), secure=True, HTTP_HOST="qamqor.example.kz")
body = b"".join(response.streaming_content)
print(
    "GET",
    reverse("portal:material_file", args=[material.pk]),
    response.status_code,
    response["Content-Type"],
    "same bytes:",
    body == pdf,
)
storage.delete(material.file.name)
material.delete()
