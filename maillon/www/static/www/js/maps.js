/* Maillon maps: Leaflet on a blank background (no tiles), GeoJSON read from
   <script type="application/json"> blocks. Each map has a table or list next to it
   that carries the same information for keyboard and screen-reader users. */
(function () {
  "use strict";

  var Maillon = (window.Maillon = window.Maillon || {});
  var FRANCE = { center: [46.6, 2.4], zoom: 5 };

  Maillon.readJson = function (id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  };

  Maillon.cssVar = function (name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  };

  /* Leaflet tooltips take HTML: names typed by people are escaped first. */
  Maillon.escape = function (value) {
    var node = document.createElement("span");
    node.textContent = value == null ? "" : String(value);
    return node.innerHTML;
  };

  Maillon.formatNumber = function (value) {
    return Number(value || 0).toLocaleString("fr-FR");
  };

  /* A map without tiles nor attribution prefix, with French zoom buttons. */
  Maillon.blankMap = function (element) {
    var map = L.map(element, { zoomControl: false, attributionControl: false, zoomSnap: 0.25 });
    L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
    map.setView(FRANCE.center, FRANCE.zoom);
    return map;
  };

  Maillon.fitTo = function (map, layer) {
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [12, 12] });
    }
  };

  Maillon.statusColour = function (status) {
    return Maillon.cssVar("--maillon-status-" + status, "#666666");
  };

  function communeLabel(properties) {
    return Maillon.escape(properties.name) + " (" + Maillon.escape(properties.code) + ") — " + Maillon.formatNumber(properties.population) + " hab.";
  }
  Maillon.communeLabel = communeLabel;

  /* One CPTS's territory (public page, members' page). */
  function territoryMap(element) {
    var data = Maillon.readJson(element.dataset.geojson);
    var map = Maillon.blankMap(element);
    var colour = Maillon.cssVar("--maillon-territory", "#000091");
    var layer = L.geoJSON(data, {
      style: function () {
        return { color: colour, weight: 1.5, fillColor: colour, fillOpacity: 0.35 };
      },
      onEachFeature: function (feature, path) {
        path.bindTooltip(communeLabel(feature.properties), { sticky: true });
      },
    }).addTo(map);
    Maillon.fitTo(map, layer);
  }

  /* A département or a région: communes coloured by the step of their CPTS, zones blanches hatched. */
  function areaMap(element) {
    var data = Maillon.readJson(element.dataset.geojson);
    var labels = Maillon.readJson("status-labels") || {};
    var map = Maillon.blankMap(element);
    var layer = L.geoJSON(data, {
      style: function (feature) {
        var status = feature.properties.status;
        if (!status) {
          return { color: "#8a8a8a", weight: 0.5, fillColor: "url(#maillon-hatch-blank)", fillOpacity: 1 };
        }
        return { color: "#ffffff", weight: 0.5, fillColor: Maillon.statusColour(status), fillOpacity: 0.85 };
      },
      onEachFeature: function (feature, path) {
        var properties = feature.properties;
        var text = communeLabel(properties);
        text += properties.status
          ? " — " + Maillon.escape(properties.cpts) + " (" + (labels[properties.status] || properties.status) + ")"
          : " — zone blanche";
        path.bindTooltip(text, { sticky: true });
        if (properties.slug && element.dataset.cptsUrl) {
          path.on("click", function () {
            window.location.href = element.dataset.cptsUrl.replace("__slug__", encodeURIComponent(properties.slug));
          });
        }
      },
    }).addTo(map);
    Maillon.fitTo(map, layer);
  }

  var initialisers = { territory: territoryMap, area: areaMap };

  function initialise() {
    if (!window.L) {
      return;
    }
    document.querySelectorAll("[data-maillon-map]").forEach(function (element) {
      var init = initialisers[element.dataset.maillonMap];
      if (init) {
        init(element);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initialise);
  } else {
    initialise();
  }
})();
