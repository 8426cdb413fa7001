/* The draft territory of a lettre d'intention on the ARS's page: its communes and their
   neighbours, coloured as the territory editor colours them (in the letter, in a CPTS, free).
   Read-only; the list of communes next to the map says the same for keyboard and
   screen-reader users. */
(function () {
  "use strict";

  var CPTS_COLOURS = ["#c0392b", "#b35900", "#8e44ad", "#1e7f6e", "#7d6608", "#a93266"];

  function start() {
    var element = document.getElementById("letter-map");
    if (!element || !window.L || !window.Maillon) {
      return;
    }
    var Maillon = window.Maillon;
    var codes = new Set(Maillon.readJson(element.dataset.codes) || []);
    var territoryColour = Maillon.cssVar("--maillon-territory", "#000091");
    var map = Maillon.blankMap(element);

    function styleFor(properties) {
      if (codes.has(properties.code)) {
        return { color: territoryColour, weight: 2, dashArray: null, fillColor: territoryColour, fillOpacity: 0.45 };
      }
      if (properties.owner) {
        var colour = CPTS_COLOURS[properties.owner % CPTS_COLOURS.length];
        return { color: colour, weight: 1, dashArray: "4 3", fillColor: colour, fillOpacity: 0.3 };
      }
      return { color: "#929292", weight: 1, dashArray: "2 3", fillColor: "#ffffff", fillOpacity: 0.6 };
    }

    function tooltipFor(properties) {
      var text = Maillon.communeLabel(properties);
      if (properties.owner) {
        text += " — CPTS « " + Maillon.escape(properties.owner_name) + " »";
      }
      return text;
    }

    var drafted = [];
    var layer = L.geoJSON(Maillon.readJson(element.dataset.geojson) || { features: [] }, {
      style: function (feature) {
        return styleFor(feature.properties);
      },
      onEachFeature: function (feature, path) {
        path.bindTooltip(tooltipFor(feature.properties), { sticky: true });
        if (codes.has(feature.properties.code)) {
          drafted.push(path);
        }
      },
    }).addTo(map);
    drafted.forEach(function (path) {
      path.bringToFront();
    });
    var draftLayer = L.featureGroup(drafted);
    Maillon.fitTo(map, drafted.length ? draftLayer : layer);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
