// url: refused. Fetching from inside a template on the controller, at every render, with the
// controller's network and no check-mode story, is not something Drover does silently.
import { RefusedLookup } from './refused.js';
import type { LookupRun } from './types.js';

/** Always an error naming the alternative, whatever errors= says. */
export const url: LookupRun = () => {
  throw new RefusedLookup("the url lookup is not supported by Drover: fetch with the uri or get_url module (delegate_to: localhost) and register the result");
};
