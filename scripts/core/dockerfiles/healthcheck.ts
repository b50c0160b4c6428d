/**
 * The health check command, once: the image's HEALTHCHECK and the compose file's healthcheck both run it.
 * Node itself does the request (the runtime image has no curl or wget), against the service's /health.
 */
export function healthcheckCommand(port: number): string[] {
  return ['node', '-e', `require('http').get('http://127.0.0.1:'+(process.env.PORT||${port})+'/health',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))`];
}
