'use strict';

const methods = {
  /**
   * Removes and returns the first element of this array.
   */
  shift() {
    this._markModified();
    const ret = [].shift.call(this);
    this._registerAtomic('$set', this);
    return ret;
  },

  pull() {
    return this;
  }
};

module.exports = methods;
