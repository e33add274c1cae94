/* Optional: arrow keys for the previous and next episode, and the panel in view kept in the address's #,
   so a bookmark or a reload returns to it. Plain ES5 for old browsers; the pages work without it. */
(function () {
  "use strict";
  var timer = null;

  function follow(id) {
    var link = document.getElementById(id);
    if (link && link.href) {
      window.location.href = link.href;
    }
  }

  function panelInView() {
    var top = window.pageYOffset || document.documentElement.scrollTop || 0;
    var seen = null;
    for (var index = 1; ; index += 1) {
      var panel = document.getElementById("p" + index);
      if (!panel) {
        return seen;
      }
      if (panel.offsetTop > top + 40) {
        return seen;
      }
      seen = panel.id;
    }
  }

  function remember() {
    timer = null;
    var id = panelInView();
    if (id && window.history && window.history.replaceState && window.location.hash !== "#" + id) {
      window.history.replaceState(null, "", "#" + id);
    }
  }

  document.onkeydown = function (event) {
    event = event || window.event;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return true;
    }
    if (event.keyCode === 37) {
      follow("previous");
    } else if (event.keyCode === 39) {
      follow("next");
    }
    return true;
  };

  window.onscroll = function () {
    if (timer === null) {
      timer = window.setTimeout(remember, 300);
    }
  };
}());
