/* Bars drawn to a share (coverage of a population, a trend): the share is in
   data-maillon-width (a percentage), set here through the style property, because the
   Content-Security-Policy refuses inline style attributes. The figures themselves are
   always written next to the bar. */
(function () {
  "use strict";
  document.querySelectorAll("[data-maillon-width]").forEach(function (bar) {
    var share = parseFloat(bar.getAttribute("data-maillon-width"));
    if (isFinite(share)) {
      bar.style.width = Math.min(Math.max(share, 0), 100) + "%";
    }
  });
})();
