/**
 * Security headers on every response (helmet), with a Content-Security-Policy for the portal
 * that allows only what it loads: its own scripts, styles, images and fonts from the hub, and
 * fetches and graphql-ws to the hub itself. No inline script or style is allowed: the built
 * index.html has none (Vite emits external files), React sets styles through the CSSOM, and
 * CodeMirror mounts its styles as constructed stylesheets. Frames of the portal are refused
 * (clickjacking). Apollo's landing page is off, so /graphql serves no page of its own.
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        // 'self' covers ws:/wss: to the same host in CSP Level 3 browsers.
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // The portal embeds nothing cross-origin; requiring CORP of everything it loads buys nothing.
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'same-origin' },
  });
}
