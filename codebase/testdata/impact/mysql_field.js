var Types = require('./types');

module.exports = typeCast;

function typeCast(field) {
  switch (field.type) {
    case Types.BIT:
      return field.buffer();
    case Types.VAR_STRING:
      return field.string();
    default:
      return field.string();
  }
}
