// How objects are written to etcd: --storage-media-type json stores the object's JSON;
// protobuf stores the real protobuf envelope's 4-byte magic "k8s\0" followed (in this
// stand-in) by the object's JSON rather than a protobuf runtime.Unknown. Only a 1.6 decoder
// reads the prefixed form; a 1.5 apiserver refuses it with a JSON parse error, as the fact
// sheet says of real 1.5 binaries meeting 1.6's protobuf data.

type Obj = Record<string, any>;

/** The magic bytes a real protobuf-encoded Kubernetes object starts with. */
export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** The media types --storage-media-type accepts (full MIME or short name). */
export type MediaType = 'json' | 'protobuf';

/** Map the flag's text to a media type; unknown values are refused like the real flag. */
export function parseMediaType(text: string): MediaType {
  if (text === 'application/json' || text === 'json') return 'json';
  if (text === 'application/vnd.kubernetes.protobuf' || text === 'protobuf') return 'protobuf';
  throw new Error(`unable to find serializer for media type ${JSON.stringify(text)}`);
}

/** A stored value this apiserver cannot decode. */
export class DecodeError extends Error {}

/** Bytes to store for an object (resourceVersion is not stored: etcd's mod_revision is). */
export function encodeObject(obj: Obj, media: MediaType): Buffer {
  const { resourceVersion: _rv, ...metadata } = obj.metadata ?? {};
  const json = Buffer.from(JSON.stringify({ ...obj, metadata }));
  return media === 'protobuf' ? Buffer.concat([PROTOBUF_MAGIC, json]) : json;
}

/** The object in stored bytes; canReadProtobuf is false for a 1.5 apiserver. */
export function decodeObject(value: Buffer, key: string, canReadProtobuf: boolean): Obj {
  let body = value;
  if (value.subarray(0, 4).equals(PROTOBUF_MAGIC)) {
    if (!canReadProtobuf) throw new DecodeError(`unable to decode ${key}: couldn't get version/kind; json parse error: invalid character 'k' looking for beginning of value`);
    body = value.subarray(4);
  }
  try {
    return JSON.parse(body.toString('utf8')) as Obj;
  } catch (e) {
    throw new DecodeError(`unable to decode ${key}: ${(e as Error).message}`);
  }
}
