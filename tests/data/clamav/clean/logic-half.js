var a = 'canhgac-ldb-part-one';
