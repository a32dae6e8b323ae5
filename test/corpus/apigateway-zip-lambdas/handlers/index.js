exports.list = async () => ({ statusCode: 200, body: JSON.stringify([]) });
exports.create = async (event) => ({ statusCode: 201, body: event.body ?? "" });
