'use strict';

const ArrayMethods = require('../array/methods');

function DocumentArray() {}

DocumentArray.prototype.shift = function() {
  const ret = ArrayMethods.shift.apply(this, arguments);
  return ret;
};

module.exports = DocumentArray;
