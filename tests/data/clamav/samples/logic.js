var a = 'canhgac-ldb-part-one';
var b = 'canhgac-ldb-part-two';
