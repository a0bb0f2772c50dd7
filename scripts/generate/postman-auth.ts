/**
 * The collection-level pre-request script: gets the gateway JWT from /auth (username and password)
 * or /auth/oauth (client id and secret; /auth/oidc when clientLevel is "user") once, caches it in the collection variables with its
 * expiry, and fetches a new one 5 minutes before it runs out. A `token` variable is used as it is.
 * VM requests (they carry X-Requested-With and Basic auth) and the auth requests are left alone.
 */
export const PRE_REQUEST_SCRIPT = `// qualys-ts: the gateway JWT, fetched once and reused until 5 minutes before it expires.
(function () {
  var path = "/" + pm.request.url.getPath().replace(/^\\//, "");
  if (pm.request.headers.has("X-Requested-With") || /^\\/auth(\\/|$)/.test(path)) return;
  var given = pm.variables.get("token");
  if (given) {
    pm.collectionVariables.set("jwt", given);
    return;
  }
  var now = Date.now();
  if (pm.collectionVariables.get("jwt") && Number(pm.collectionVariables.get("jwtExpiresAt") || 0) - 5 * 60 * 1000 > now) return;
  var authUrl = pm.variables.replaceIn("{{authUrl}}").replace(/\\/+$/, "");
  var clientId = pm.variables.get("clientId");
  var request = clientId
    ? { url: authUrl + (pm.variables.get("clientLevel") === "user" ? "/auth/oidc" : "/auth/oauth"), method: "POST", header: { clientId: clientId, clientSecret: pm.variables.get("clientSecret") } }
    : {
        url: authUrl + "/auth",
        method: "POST",
        header: { "Content-Type": "application/x-www-form-urlencoded" },
        body: {
          mode: "urlencoded",
          urlencoded: [
            { key: "username", value: pm.variables.get("username") },
            { key: "password", value: pm.variables.get("password") },
            { key: "token", value: "true" },
            { key: "permissions", value: "true" }
          ]
        }
      };
  pm.sendRequest(request, function (err, res) {
    if (err) throw new Error("qualys-ts: cannot reach " + request.url + ": " + err.message);
    if (res.code >= 300) throw new Error("qualys-ts: " + request.url + " answered HTTP " + res.code + " (check username/password or clientId/clientSecret)");
    var token = res.text().trim().replace(/^["']|["']$/g, "");
    var expiresAt = now + 4 * 3600 * 1000;
    try {
      var claims = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
      if (claims.exp) expiresAt = claims.exp * 1000;
    } catch (e) {
      // Not a readable JWT payload: assume Qualys's 4 hours.
    }
    pm.collectionVariables.set("jwt", token);
    pm.collectionVariables.set("jwtExpiresAt", String(expiresAt));
  });
})();`;
