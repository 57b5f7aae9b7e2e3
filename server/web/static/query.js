// The query page: YASGUI on our endpoint, with the competency queries as one-click examples.
// Kept out of the HTML so the page's Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";
  var root = document.getElementById("yasgui");
  if (!root || !window.Yasgui) {
    return;
  }
  var Yasgui = window.Yasgui.default || window.Yasgui;
  // YASQE's "class" and "property" completers query a public vocabulary service; this page talks to no
  // one but its own server.
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];

  // The table plugin's "compact" view: literals without their datatype or language tag, IRIs without <>.
  var yasrPlugins = (Yasgui.Yasr && Yasgui.Yasr.defaults && Yasgui.Yasr.defaults.plugins) || {};
  if (yasrPlugins.table) {
    yasrPlugins.table.dynamicConfig = Object.assign({}, yasrPlugins.table.dynamicConfig, { compact: true });
  }

  var endpoint = new URL(root.dataset.endpoint, window.location.href).toString();
  var yasgui = new Yasgui(root, {
    autofocus: false, // focusing the editor would scroll past the examples
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null, // a stale tab from an earlier visit must not hide the examples
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: endpoint }];
      },
      keys: [],
    },
    yasr: { defaultPlugin: "table" },
    yasqe: { value: root.dataset.defaultQuery || Yasgui.Yasqe.defaults.value },
  });

  function exampleText(name) {
    var item = document.getElementById("example-" + name);
    var pre = item && item.querySelector("pre.rq");
    return pre ? pre.textContent : null;
  }

  document.querySelectorAll("button.run-example").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = exampleText(button.dataset.example);
      if (text === null) {
        return;
      }
      var tab = yasgui.getTab();
      tab.setEndpoint(endpoint);
      tab.setQuery(text);
      tab.query();
      document.getElementById("editor-section").scrollIntoView();
    });
  });
  // Result cells link our IRIs to w3id.org; send those clicks to this server's page for the resource instead
  // (the same path under the local root), so browsing stays on the data being queried.
  var base = root.dataset.base;
  var local = new URL(root.dataset.local || "/", window.location.href).toString();
  root.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!base || !link || link.href.indexOf(base) !== 0) {
      return;
    }
    event.preventDefault();
    window.location.href = local + link.href.slice(base.length);
  });
  window.fukushiYasgui = yasgui; // for the browser test and for people poking at the page
})();
