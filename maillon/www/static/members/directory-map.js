/* The directory's map: the CPTS's territory as background (no tiles) and one
   point per commune where the professionals of the results page practise or the
   structures found are.
   The points come from <script type="application/json" id="directory-points">,
   which htmx replaces with each new page of results; the table next to the map
   carries the same information. Needs Leaflet and www/js/maps.js. */
(function () {
  "use strict";

  function personItem(person) {
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = person.url;
    link.textContent = person.name;
    item.appendChild(link);
    item.appendChild(document.createTextNode(" — " + person.profession));
    return item;
  }

  /* Popup content built as DOM nodes: names are never parsed as HTML. */
  function popupContent(point) {
    var box = document.createElement("div");
    var title = document.createElement("p");
    title.className = "fr-text--bold fr-mb-1v";
    title.textContent = point.name + " (" + point.code + ")";
    box.appendChild(title);
    var list = document.createElement("ul");
    list.className = "fr-text--sm fr-mb-0";
    point.people.forEach(function (person) {
      list.appendChild(personItem(person));
    });
    box.appendChild(list);
    return box;
  }

  function tooltipText(point) {
    var structures = point.people.filter(function (person) { return person.structure; }).length;
    var count = point.people.length - structures;
    var parts = [];
    if (count) {
      parts.push(count + " professionnel" + (count > 1 ? "s" : ""));
    }
    if (structures) {
      parts.push(structures + " structure" + (structures > 1 ? "s" : ""));
    }
    return point.name + " : " + parts.join(", ");
  }

  function initialise() {
    var element = document.getElementById("directory-map");
    if (!element || !window.L || !window.Maillon) {
      return;
    }
    var block = document.getElementById("directory-map-block");
    block.hidden = false;  /* before creating the map: Leaflet needs its size */
    var Maillon = window.Maillon;
    var map = Maillon.blankMap(element);
    var colour = Maillon.cssVar("--maillon-territory", "#000091");
    var territory = L.geoJSON(Maillon.readJson(element.dataset.territory), {
      interactive: false,
      style: function () {
        return { color: colour, weight: 1, fillColor: colour, fillOpacity: 0.08 };
      },
    }).addTo(map);
    var markers = L.featureGroup().addTo(map);

    function draw() {
      markers.clearLayers();
      var points = Maillon.readJson(element.dataset.points);
      /* No points block: criteria to fix or no result; the map would only distract. */
      block.hidden = points === null;
      if (points === null) {
        return;
      }
      map.invalidateSize();
      points.forEach(function (point) {
        L.circleMarker([point.lat, point.lon], {
          radius: Math.min(6 + 2 * point.people.length, 16),
          color: "#ffffff",
          weight: 2,
          fillColor: "#c9191e",
          fillOpacity: 0.9,
        })
          .bindTooltip(tooltipText(point))
          .bindPopup(popupContent(point))
          .addTo(markers);
      });
      var bounds = territory.getBounds();
      if (markers.getLayers().length) {
        bounds = bounds.isValid() ? bounds.extend(markers.getBounds()) : markers.getBounds();
      }
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [16, 16], maxZoom: 13 });
      }
    }

    draw();
    document.body.addEventListener("htmx:afterSettle", function (event) {
      if (event.detail.target && event.detail.target.id === "directory-results") {
        draw();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initialise);
  } else {
    initialise();
  }
})();
