// studysite default theme behaviour. Everything here is an enhancement: pages read fine
// without JavaScript.
(function () {
  "use strict";
  var root = document.documentElement;

  // Light / dark toggle, remembered across pages.
  var toggle = document.querySelector(".theme-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var next = root.dataset.theme === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      try { localStorage.setItem("studysite-theme", next); } catch (e) { /* private mode */ }
    });
  }
  // Follow the system when the reader has not chosen.
  if (window.matchMedia) {
    var query = window.matchMedia("(prefers-color-scheme: dark)");
    var follow = function (event) {
      var saved = null;
      try { saved = localStorage.getItem("studysite-theme"); } catch (e) { /* ignore */ }
      if (!saved) { root.dataset.theme = event.matches ? "dark" : "light"; }
    };
    if (query.addEventListener) { query.addEventListener("change", follow); }
  }

  // The sidebar as a drawer on small screens.
  var menu = document.querySelector(".menu-toggle");
  if (menu) {
    menu.addEventListener("click", function () {
      var open = document.body.classList.toggle("sidebar-open");
      menu.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && document.body.classList.contains("sidebar-open")) {
        document.body.classList.remove("sidebar-open");
        menu.setAttribute("aria-expanded", "false");
        menu.focus();
      }
    });
  }

  // Keep the current note visible in a long sidebar.
  // (Only the sidebar scrolls; the page keeps its own position.)
  var sidebar = document.querySelector(".sidebar");
  var current = sidebar && sidebar.querySelector("[aria-current=page]");
  if (current && sidebar.scrollHeight > sidebar.clientHeight) {
    sidebar.scrollTop = Math.max(0, current.offsetTop - sidebar.clientHeight / 2);
  }

  // The table of contents follows scrolling: the last heading above the fold is active.
  var tocLinks = Array.prototype.slice.call(document.querySelectorAll(".toc a[href^='#']"));
  if (tocLinks.length && "IntersectionObserver" in window) {
    var byId = {};
    var headings = [];
    tocLinks.forEach(function (link) {
      var id = decodeURIComponent(link.getAttribute("href").slice(1));
      var heading = document.getElementById(id);
      if (heading) { byId[id] = link; headings.push(heading); }
    });
    var visible = {};
    var setActive = function () {
      var active = null;
      for (var i = 0; i < headings.length; i++) {
        var top = headings[i].getBoundingClientRect().top;
        if (top < window.innerHeight * 0.3) { active = headings[i]; } else { break; }
      }
      if (!active && headings.length) { active = headings[0]; }
      tocLinks.forEach(function (l) { l.classList.remove("is-active"); l.removeAttribute("aria-current"); });
      if (active && byId[active.id]) {
        byId[active.id].classList.add("is-active");
        byId[active.id].setAttribute("aria-current", "location");
      }
    };
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { visible[e.target.id] = e.isIntersecting; });
      setActive();
    }, { rootMargin: "0px 0px -60% 0px" });
    headings.forEach(function (h) { observer.observe(h); });
    window.addEventListener("scroll", setActive, { passive: true });
    setActive();
  }

  // A diagram much wider than the column is shrunk to fit; a click shows it at full size
  // (the figure then scrolls sideways), another click fits it again.
  document.querySelectorAll("figure.diagram > svg[width]").forEach(function (svg) {
    var figure = svg.parentNode;
    var natural = parseFloat(svg.getAttribute("width"));
    if (!(natural > figure.clientWidth * 1.3)) { return; }
    figure.classList.add("diagram-wide");
    svg.addEventListener("click", function () {
      figure.classList.toggle("is-zoomed");
    });
  });

  // A copy button on code blocks.
  if (navigator.clipboard) {
    document.querySelectorAll("pre.code").forEach(function (pre) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-code";
      button.textContent = "Copy";
      button.addEventListener("click", function () {
        var code = pre.querySelector("code");
        navigator.clipboard.writeText(code ? code.innerText : pre.innerText).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 1500);
        });
      });
      pre.appendChild(button);
    });
  }
})();
