/**
 * The quickstart: a vector database, a model server and a data-cleaner, on
 * their real images. Copy this file into your repo as `cidx.config.ts` and run
 *
 *   npx cidx apply        # pulls, creates, waits until healthy, prints the URLs
 *   npx cidx status       # state, health and URLs, changes nothing
 *   npx cidx down         # removes the containers; the volumes (your data) stay
 *
 * On a machine that cannot pull images, examples/offline/cidx.config.ts runs
 * the same three services on a locally built test image.
 */
import { defineConfig } from 'cidx';

export default defineConfig({
  // Optional: a name for humans. Containers are keyed by a hash of this
  // directory's path, so two checkouts of one repo never collide.
  project: 'quickstart',

  // 'auto' uses Docker when its engine answers, else Podman. `--runtime` or
  // CIDX_RUNTIME override it per command.
  runtime: 'auto',

  // Host ports are published on loopback only. Qdrant and Ollama have no
  // authentication by default: opt in to '0.0.0.0' only if you mean it.
  bind: '127.0.0.1',

  services: {
    qdrant: {
      image: 'qdrant/qdrant:v1.12.4',
      // Port name → container port. The runtime picks free host ports; cidx
      // discovers them, remembers them, and reports the URLs.
      ports: { http: 6333, grpc: 6334 },
      env: { QDRANT__LOG_LEVEL: 'INFO' },
      // A named volume scoped to this project: survives `down` and recreates;
      // only `cidx down --volumes` deletes it.
      volumes: { storage: '/qdrant/storage' },
      // /readyz answers 200 once every collection is loaded. With large
      // collections that takes minutes, hence the generous timeout.
      health: { http: { port: 'http', path: '/readyz' }, timeout: '5m' },
    },

    ollama: {
      image: 'ollama/ollama:0.5.4',
      ports: { http: 11434 },
      // Models are large: keep them in a volume so recreating the container
      // does not download them again.
      volumes: { models: '/root/.ollama' },
      // `GET /` answers "Ollama is running". Probed from the host through the
      // published port: the image has no curl or wget.
      health: { http: { port: 'http', path: '/' }, timeout: '2m' },
    },

    // Your own service goes here. This stand-in is a tiny HTTP server on a
    // public image; replace image and command with your data-cleaner's.
    'data-cleaner': {
      image: 'python:3.12-alpine',
      command: ['python', '-m', 'http.server', '8080'],
      ports: { http: 8080 },
      // On the project network, other services are reached by name and container port.
      env: { PYTHONUNBUFFERED: 1, QDRANT_URL: 'http://qdrant:6333', OLLAMA_URL: 'http://ollama:11434' },
      health: { http: { port: 'http', path: '/' } },
      // Created only once qdrant is healthy; if qdrant fails, this one is
      // skipped and ollama is left as it is.
      dependsOn: ['qdrant'],
    },
  },

  // Optional: host ports to ask for first. Used when free; when something
  // else holds one, cidx falls back to a runtime-chosen port and says so.
  // A number means the service's first port.
  preferredPorts: {
    qdrant: { http: 6333 },
    ollama: 11434,
  },
});
