/** The config `cidx init` writes: the mission's three services, every choice explained. */
export const initConfig = `// cidx.config.ts — the services this repository needs, declared once.
// \`cidx apply\` creates what is missing, starts what stopped, recreates what
// changed and reports each service's URL. Host ports are chosen by the
// container runtime (Docker or Podman), so any number of projects can run
// side by side. Reference: https://www.npmjs.com/package/cidx
import { defineConfig } from 'cidx';

export default defineConfig({
  // project: 'my-indexer',   // default: this directory's name
  // runtime: 'auto',         // 'docker' | 'podman' | 'auto' (docker first)
  // bind: '127.0.0.1',       // publish on loopback only; '0.0.0.0' exposes services to your network

  services: {
    // Vector database. Data lives in a project-scoped volume that survives
    // \`cidx down\`; only \`cidx down --volumes\` deletes it.
    qdrant: {
      image: 'qdrant/qdrant:v1.12.4',
      ports: { http: 6333, grpc: 6334 },           // port name -> container port
      volumes: { storage: '/qdrant/storage' },      // volume name -> container path
      env: { QDRANT__LOG_LEVEL: 'INFO' },
      // /readyz answers 200 once every collection is loaded.
      health: { http: { port: 'http', path: '/readyz' }, timeout: '120s' },
    },

    // Embedding model server. Models are large: keep them in a volume.
    ollama: {
      image: 'ollama/ollama:0.5.4',
      ports: { http: 11434 },
      volumes: { models: '/root/.ollama' },
      health: { http: { port: 'http', path: '/api/version' }, timeout: '120s' },
    },

    // A helper that cleans documents before indexing; starts once both are healthy.
    'data-cleaner': {
      image: 'python:3.12-slim',
      command: ['python', '-m', 'http.server', '8080'],
      ports: { http: 8080 },
      health: { http: { port: 'http', path: '/' } },
      // Services reach each other by name on the project's network, on container ports.
      env: { QDRANT_URL: 'http://qdrant:6333', OLLAMA_URL: 'http://ollama:11434' },
      dependsOn: ['qdrant', 'ollama'],
    },
  },

  // Ask for these host ports first; if one is taken, cidx uses a free one and says so.
  // preferredPorts: { qdrant: { http: 6333 }, ollama: 11434 },
});
`;
