/* Territory editor map: click a commune to add it to the draft or remove it.
   The draft itself lives in the form (hidden inputs "communes"); every change goes
   through the server preview (htmx), which answers the list, population, taille
   and conflicts. Without this script the form still does everything. */
(function () {
  "use strict";

  var OTHER_CPTS_COLOURS = ["#c0392b", "#b35900", "#8e44ad", "#1e7f6e", "#7d6608", "#a93266"];

  function start() {
    var form = document.getElementById("territory-form");
    var element = document.getElementById("territory-editor-map");
    if (!form || !element || !window.L || !window.htmx || !window.Maillon) {
      return;
    }
    var Maillon = window.Maillon;
    var cptsId = Number(form.dataset.cptsId);
    var territoryColour = Maillon.cssVar("--maillon-territory", "#000091");
    var map = Maillon.blankMap(element);
    var paths = {}; // commune code -> Leaflet path

    function draftCodes() {
      var codes = new Set();
      form.querySelectorAll('input[type="hidden"][name="communes"]').forEach(function (input) {
        codes.add(input.value);
      });
      return codes;
    }

    function styleFor(properties, codes) {
      if (codes.has(properties.code)) {
        return { color: territoryColour, weight: 2, dashArray: null, fillColor: territoryColour, fillOpacity: 0.45 };
      }
      if (properties.owner && properties.owner !== cptsId) {
        var colour = OTHER_CPTS_COLOURS[properties.owner % OTHER_CPTS_COLOURS.length];
        return { color: colour, weight: 1, dashArray: "4 3", fillColor: colour, fillOpacity: 0.3 };
      }
      return { color: "#929292", weight: 1, dashArray: "2 3", fillColor: "#ffffff", fillOpacity: 0.6 };
    }

    function tooltipFor(properties) {
      var text = Maillon.communeLabel(properties);
      if (properties.owner && properties.owner !== cptsId) {
        text += " — CPTS « " + Maillon.escape(properties.owner_name) + " »";
      }
      return text;
    }

    var layer = L.geoJSON(null, {
      onEachFeature: function (feature, path) {
        paths[feature.properties.code] = path;
        path.bindTooltip(function () {
          return tooltipFor(feature.properties);
        }, { sticky: true });
        path.on("click", function () {
          toggle(feature.properties.code);
        });
      },
    }).addTo(map);

    function addFeatures(collection) {
      (collection.features || []).forEach(function (feature) {
        if (!paths[feature.properties.code]) {
          layer.addData(feature);
        }
      });
      restyle();
    }

    function restyle() {
      var codes = draftCodes();
      layer.eachLayer(function (path) {
        path.setStyle(styleFor(path.feature.properties, codes));
        if (codes.has(path.feature.properties.code)) {
          path.bringToFront();
        }
      });
    }

    function toggle(code) {
      var values = draftCodes().has(code) ? { remove: code } : { add: code };
      htmx.ajax("POST", form.dataset.previewUrl, {
        source: form,
        target: "#territory-state",
        swap: "outerHTML",
        values: values,
      });
    }

    /* Communes added by the search may lie outside the loaded area: fetch them and their neighbours. */
    function loadMissing() {
      var missing = Array.from(draftCodes()).filter(function (code) {
        return !paths[code];
      });
      if (!missing.length) {
        return;
      }
      var wasEmpty = Object.keys(paths).length === 0;
      var url = form.dataset.editUrl + "?voisines=" + encodeURIComponent(missing.slice(0, 50).join(","));
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          return response.ok ? response.json() : { features: [] };
        })
        .then(function (collection) {
          addFeatures(collection);
          if (wasEmpty) {
            Maillon.fitTo(map, layer);
          }
        });
    }

    addFeatures(Maillon.readJson(element.dataset.geojson) || { features: [] });
    var draftLayer = L.featureGroup(
      Array.from(draftCodes())
        .map(function (code) {
          return paths[code];
        })
        .filter(Boolean)
    );
    Maillon.fitTo(map, draftLayer.getLayers().length ? draftLayer : layer);

    document.body.addEventListener("htmx:afterSettle", function () {
      restyle();
      loadMissing();
      // The button that was used may have been replaced: keep the focus in the editor.
      if (!document.activeElement || document.activeElement === document.body) {
        var title = document.getElementById("territory-state-title");
        if (title) {
          title.focus();
        }
      }
    });

    // Enter in the search field searches in place instead of submitting the whole form.
    var search = document.getElementById("territory-q");
    if (search) {
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
          htmx.trigger(search, "search");
        }
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
