/* Maillon charts: Chart.js (served from the project) drawing data read from a
   <script type="application/json"> block (Django's json_script). Each chart is followed by a
   table of the same figures, its accessible alternative: the canvas carries role="img" and
   an aria-label that points to it. A value the source hides is null: a gap in the line. */
(function () {
  "use strict";

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  /* DSFR colours: blue France for the territory, terre battue for its département, émeraude
     (dashed) for the target. */
  var STYLES = {
    territory: { colour: ["--blue-france-sun-113-625", "#000091"], dash: [], width: 3 },
    departement: { colour: ["--orange-terre-battue-main-645", "#e4794a"], dash: [], width: 2 },
    target: { colour: ["--green-emeraude-main-632", "#00a95f"], dash: [6, 4], width: 2 },
  };

  function formatted(value, unit) {
    return Number(value).toLocaleString("fr-FR", { maximumFractionDigits: 2 }) + (unit ? " " + unit : "");
  }

  function measureChart(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var text = cssVar("--text-default-grey", "#3a3a3a");
    var grid = cssVar("--border-default-grey", "#dddddd");
    var datasets = data.series.map(function (series) {
      var style = STYLES[series.key] || STYLES.territory;
      var colour = cssVar(style.colour[0], style.colour[1]);
      return {
        label: series.label,
        data: series.values,
        borderColor: colour,
        backgroundColor: colour,
        borderDash: style.dash,
        borderWidth: style.width,
        pointRadius: series.key === "target" ? 0 : 4,
        spanGaps: false,
        tension: 0,
      };
    });
    new Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        aspectRatio: 2,
        animation: false,
        locale: "fr-FR",
        plugins: {
          legend: { position: "bottom", labels: { color: text } },
          tooltip: {
            callbacks: {
              label: function (context) {
                if (context.parsed.y === null) {
                  return context.dataset.label + " : < 6 (masqué)";
                }
                return context.dataset.label + " : " + formatted(context.parsed.y, data.unit);
              },
            },
          },
        },
        scales: {
          x: { ticks: { color: text }, grid: { color: grid } },
          y: {
            beginAtZero: true,
            ticks: {
              color: text,
              callback: function (value) {
                return formatted(value, data.unit);
              },
            },
            grid: { color: grid },
          },
        },
      },
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(measureChart);
})();
