// The API documentation page (/docs): Swagger UI from the swagger-ui-dist package, bundled at build time and
// served by ipgraph itself (no CDN), started from this file because the page allows no inline script.
import SwaggerUIBundle from "swagger-ui-dist/swagger-ui-bundle.js";

SwaggerUIBundle({
  url: document.getElementById("swagger-ui").dataset.openapiUrl,
  dom_id: "#swagger-ui",
  deepLinking: true,
  layout: "BaseLayout",
  presets: [SwaggerUIBundle.presets.apis],
  // Swagger UI would otherwise send the description's URL to validator.swagger.io: nothing may reach out.
  validatorUrl: null,
});
