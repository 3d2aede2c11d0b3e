// Swagger UI over the documents this fake serves (GET /__mockserver__/specs); "try it out" is
// answered by the fake itself, since the documents name no server. Nothing leaves this origin.
"use strict";

const TOKEN_KEY = "mockserver.adminToken";

// Control calls made from the docs carry the admin token the console was given, if any.
function withAdminToken(request) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const url = new URL(request.url, location.href);
  if (token && url.origin === location.origin && url.pathname.startsWith("/__mockserver__/")) {
    request.headers["X-Mockserver-Admin-Token"] = token;
  }
  return request;
}

function show(url) {
  window.ui = SwaggerUIBundle({
    url,
    dom_id: "#swagger-ui",
    validatorUrl: null, // the default validator is a remote service
    deepLinking: false,
    displayOperationId: true,
    tryItOutEnabled: true,
    requestInterceptor: withAdminToken,
  });
}

async function start() {
  const listing = await fetch("/__mockserver__/specs").then((response) => response.json());
  const select = document.getElementById("document");
  for (const document_ of listing.documents) {
    select.append(new Option(`${document_.title} (${document_.api})`, document_.json));
  }
  const asked = new URLSearchParams(location.search).get("api");
  const chosen = listing.documents.find((document_) => document_.api === asked) || listing.documents[0];
  select.value = chosen.json;
  select.addEventListener("change", () => {
    history.replaceState(null, "", "?api=" + listing.documents.find((d) => d.json === select.value).api);
    show(select.value);
  });
  show(chosen.json);
}

start();
