// kube-apiserver's limit on a request body (3 MiB): the fake enforces it, and the gateway takes
// no body, and lets no YAML expand to one, that the apiserver would refuse anyway.
export const APISERVER_MAX_REQUEST_BYTES = 3 * 1024 * 1024;
