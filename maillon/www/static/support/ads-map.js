/* The map of the public search of ads: one point per commune of the results page, on a
   blank background (no tiles), from the GeoJSON the page carries in
   <script type="application/json" id="ad-points">. The list next to the map carries the
   same information. Needs Leaflet and www/js/maps.js. */
(function () {
  "use strict";

  /* Popup content built as DOM nodes: titles typed by people are never parsed as HTML. */
  function popupContent(properties) {
    var box = document.createElement("div");
    var title = document.createElement("p");
    title.className = "fr-text--bold fr-mb-1v";
    title.textContent = properties.name + " (" + properties.code + ")";
    box.appendChild(title);
    var cpts = document.createElement("p");
    cpts.className = "fr-text--sm fr-mb-1v";
    cpts.textContent = properties.cpts ? "CPTS : " + properties.cpts : "Aucune CPTS ne couvre cette commune";
    box.appendChild(cpts);
    var list = document.createElement("ul");
    list.className = "fr-text--sm fr-mb-0";
    properties.ads.forEach(function (ad) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = ad.url;
      link.textContent = ad.title;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" — " + ad.kind));
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  }

  function tooltipText(properties) {
    var count = properties.ads.length;
    return properties.name + " : " + count + " annonce" + (count > 1 ? "s" : "");
  }

  function initialise() {
    var element = document.getElementById("ad-map");
    if (!element || !window.L || !window.Maillon) {
      return;
    }
    var Maillon = window.Maillon;
    var data = Maillon.readJson(element.dataset.points);
    if (!data || !data.features.length) {
      return;
    }
    document.getElementById("ad-map-block").hidden = false; /* before creating the map: Leaflet needs its size */
    var map = Maillon.blankMap(element);
    var colour = Maillon.cssVar("--maillon-territory", "#000091");
    var layer = L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        var covered = Boolean(feature.properties.cpts);
        return L.circleMarker(latlng, {
          radius: Math.min(6 + 2 * feature.properties.ads.length, 16),
          color: colour,
          weight: 2,
          fillColor: covered ? colour : "#ffffff",
          fillOpacity: 0.9,
        });
      },
      onEachFeature: function (feature, marker) {
        marker.bindTooltip(tooltipText(feature.properties));
        marker.bindPopup(popupContent(feature.properties));
      },
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 11 });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initialise);
  } else {
    initialise();
  }
})();
