"""Geography: municipal boundaries, reference points, label points, spoedpost locations and distances.

Distances are great-circle ("hemelsbreed") distances between WGS84 points, computed with
the haversine formula. A municipality is represented by one reference point: the area
centroid of its largest polygon, computed in a local equirectangular projection (longitude
scaled by the cosine of the latitude), which is accurate to metres at the size of a
Twente municipality.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from jaarverslag.data.codebook import spec
from jaarverslag.data.load import MissingTableError, is_available, load_table

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
BOUNDARIES_TABLE = "gemeentegrenzen"  # boundary polygons (GeoJSON) in data/referentie/
SPOEDPOSTEN_TABLE = "spoedposten"  # the posts' locations in data/referentie/
REFERENCE_POINT_METHOD = "zwaartepunt (centroïde) van het grootste vlak van de gemeente"
LABEL_GRID = 40  # grid points per side when searching a label position inside a gemeente


@dataclass(frozen=True)
class Point:
    """A WGS84 point in decimal degrees."""

    lat: float
    lon: float


def haversine_km(a: Point, b: Point) -> float:
    """Return the great-circle distance between two WGS84 points in kilometres."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    dphi = phi2 - phi1
    dlmb = math.radians(b.lon - a.lon)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _ring_area_centroid(ring: list[list[float]], lat0: float) -> tuple[float, float, float]:
    """Return (signed area, x-centroid, y-centroid) of one ring in a local projection (km)."""
    kx = math.cos(math.radians(lat0)) * math.pi / 180 * EARTH_RADIUS_KM
    ky = math.pi / 180 * EARTH_RADIUS_KM
    pts = [(lon * kx, lat * ky) for lon, lat in ring]
    if pts[0] != pts[-1]:
        pts.append(pts[0])
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if area == 0:
        raise ValueError("polygoon zonder oppervlakte")
    return area, cx / (6 * area), cy / (6 * area)


def polygon_area_centroid(polygon: list[list[list[float]]]) -> tuple[float, Point]:
    """Return the area (km²) and area centroid of one GeoJSON polygon (outer ring minus holes)."""
    lat0 = sum(lat for _lon, lat in polygon[0]) / len(polygon[0])
    kx = math.cos(math.radians(lat0)) * math.pi / 180 * EARTH_RADIUS_KM
    ky = math.pi / 180 * EARTH_RADIUS_KM
    total = sx = sy = 0.0
    for i, ring in enumerate(polygon):
        area, cx, cy = _ring_area_centroid(ring, lat0)
        area = abs(area) if i == 0 else -abs(area)  # holes subtract, whatever their winding
        total += area
        sx += cx * area
        sy += cy * area
    return total, Point(lat=sy / total / ky, lon=sx / total / kx)


def reference_point(geometry: dict) -> Point:
    """Return a municipality's reference point: the centroid of its largest polygon."""
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise ValueError(f"geometrie van type {geometry['type']!r} wordt niet ondersteund")
    return max((polygon_area_centroid(p) for p in polygons), key=lambda ap: ap[0])[1]


def point_in_polygon(punt: Point, geometry: dict) -> bool:
    """Say whether a point lies inside a (multi)polygon (ray casting; holes respected)."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]

    def in_ring(ring) -> bool:
        inside = False
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
            if (y0 > punt.lat) != (y1 > punt.lat):
                x = x0 + (punt.lat - y0) * (x1 - x0) / (y1 - y0)
                if punt.lon < x:
                    inside = not inside
        return inside

    return any(in_ring(p[0]) and not any(in_ring(h) for h in p[1:]) for p in polygons)


def label_point(geometry: dict, raster: int = LABEL_GRID) -> tuple[float, float]:
    """Return (lon, lat) inside the largest polygon, as far as possible from its edges: room for a label.

    A grid search for the point with the largest distance to the boundary (the "pole of
    inaccessibility"), in a local projection where a degree of longitude is shortened by cos(lat).
    """
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    polygon = max(polygons, key=lambda p: polygon_area_centroid(p)[0])
    ring = np.asarray(polygon[0], dtype=float)
    kx = math.cos(math.radians(ring[:, 1].mean()))
    edges = [np.asarray(r, dtype=float) * [kx, 1] for r in polygon]
    lons = np.linspace(ring[:, 0].min(), ring[:, 0].max(), raster)
    lats = np.linspace(ring[:, 1].min(), ring[:, 1].max(), raster)
    best, best_d = None, -1.0
    for lon in lons:
        for lat in lats:
            if not point_in_polygon(Point(lat=lat, lon=lon), {"type": "Polygon", "coordinates": polygon}):
                continue
            p = np.array([lon * kx, lat])
            d = min(_distance_to_ring(p, e) for e in edges)
            if d > best_d:
                best, best_d = (float(lon), float(lat)), d
    return best


def _distance_to_ring(p, ring) -> float:
    """Return the distance from point p to the nearest segment of a ring (both projected)."""
    a, b = ring[:-1], ring[1:]
    ab = b - a
    t = np.clip(((p - a) * ab).sum(axis=1) / np.maximum((ab * ab).sum(axis=1), 1e-18), 0, 1)
    closest = a + ab * t[:, None]
    return float(np.sqrt(((closest - p) ** 2).sum(axis=1)).min())


def read_boundaries(root: Path | None = None) -> dict:
    """Return the municipal boundaries (GeoJSON FeatureCollection) from data/referentie/."""
    if not is_available(BOUNDARIES_TABLE, None, root):  # records the read for the build cache
        raise MissingTableError(f"Tabel '{BOUNDARIES_TABLE}' ontbreekt in data/referentie/.")
    return json.loads(spec(BOUNDARIES_TABLE, root).pad(None, root).read_text(encoding="utf-8"))


def reference_points(grenzen: dict) -> pd.DataFrame:
    """Return one reference point per municipality: gemeente, lat, lon."""
    rows = []
    for feature in grenzen["features"]:
        p = reference_point(feature["geometry"])
        rows.append({"gemeente": feature["properties"]["gemeente"], "lat": p.lat, "lon": p.lon})
    return pd.DataFrame(rows).sort_values("gemeente").reset_index(drop=True)


def distance_to_spoedpost(punten: pd.DataFrame, posten: pd.DataFrame) -> pd.DataFrame:
    """Return per municipality the distance (km) to the nearest spoedpost and which post that is."""
    rows = []
    for g in punten.itertuples(index=False):
        here = Point(float(g.lat), float(g.lon))
        dist = {
            str(p.spoedpost): haversine_km(here, Point(float(p.lat), float(p.lon)))
            for p in posten.itertuples(index=False)
        }
        nearest = min(dist, key=dist.get)
        rows.append(
            {
                "gemeente": g.gemeente,
                "lat": g.lat,
                "lon": g.lon,
                "dichtstbijzijnde_post": nearest,
                "afstand_km": dist[nearest],
            }
        )
    return pd.DataFrame(rows)


def afstanden(root: Path | None = None) -> pd.DataFrame:
    """Return the distance table from the shipped reference data (boundaries and posts)."""
    posten = load_table(SPOEDPOSTEN_TABLE, None, root)
    return distance_to_spoedpost(reference_points(read_boundaries(root)), posten)
