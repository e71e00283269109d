/**
 * MySQL type constants
 */
exports.DECIMAL     = 0x00; // aka DECIMAL (http://dev.mysql.com/doc/refman/5.0/en/precision-math-decimal-changes.html)
exports.TINY        = 0x01; // aka TINYINT, 1 byte
exports.BIT         = 0x10; // aka BIT, 1-64 bits
exports.VAR_STRING  = 0xfd; // aka VARCHAR, VARBINARY
