"""Permission-matrix rows of the province and national dashboards (renaksi/dashboards/
views_rollup.py). ``/dasbor/`` sends every signed-in reader somewhere (a redirect or a page
saying there is no dashboard yet); a province's dashboard is for whoever reads the province
(404 otherwise, and for a unit that is not a province); the national one for readers of every
unit, who see every unit below KPU RI in it (404 for anyone else)."""

from django.urls import reverse

from .matrix_common import SIGNED_IN, Row
from .matrix_submissions import NATIONAL, PROVINCE_READERS

ROWS: dict[str, Row] = {
    "dashboards:home": Row(path=lambda world, code: reverse("dashboards:home"), allowed=SIGNED_IN),
    "dashboards:province": Row(
        path=lambda world, code: (
            reverse("dashboards:province", args=[world.units[code].pk]) + "?tahun=2022"
        ),
        allowed=PROVINCE_READERS,
    ),
    "dashboards:national": Row(
        path=lambda world, code: reverse("dashboards:national") + "?tahun=2022",
        allowed=NATIONAL,
        kind="list",
        marker=lambda world, code: f'data-unit="{code}"',
    ),
}
