// Loaded by path (DataConverter.failureConverterPath) by the worker, the workflow bundle and
// clients alike, which is why it is plain CommonJS: it must load the same way from source and
// from dist. It moves error messages and stack traces into an encoded payload so that the
// payload codec encrypts them too: failures never sit in a history in plaintext.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
