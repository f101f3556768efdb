#!/usr/bin/env bash
# Digital signatures (R12) with real parts: keys and certificates made by
# openssl, a PDF made by LibreOffice, pdfsig (poppler) and openssl cms as
# the judges, and a SoftHSM2 token initialised here (SOFTHSM2_CONF in a
# temporary directory) standing in for the USB tokens of Vietnamese CAs.
. "$(dirname "$0")/lib.sh"
T=$(tmpdir)
cd "$T" || exit 2

# A CA and a signer whose names are Vietnamese.
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 \
	-subj "/CN=CA thử nghiệm/O=Test/C=VN" -utf8 \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout signer.key -out signer.csr -utf8 \
	-subj "/CN=Nguyễn Văn An/O=Sở Khoa học và Công nghệ/C=VN" 2>/dev/null
printf 'keyUsage=critical,digitalSignature,nonRepudiation\n' >ext.cnf
openssl x509 -req -in signer.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out signer.pem \
	-days 30 -extfile ext.cnf 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 30 \
	-subj "/CN=Other CA" 2>/dev/null

# A PDF nobody here wrote: LibreOffice's, from a Vietnamese text.
printf 'BÁO CÁO THÁNG 11/2026\nTình hình an toàn thông tin mạng của tỉnh.\n' >doc.txt
HOME=$T soffice --headless --convert-to pdf --outdir "$T" doc.txt >lo.log 2>&1
check "LibreOffice made a PDF to sign" test -s doc.pdf
cp doc.pdf orig.pdf

expect_rc 0 "sign the PDF with a PEM key" "$CANHGAC" sign doc.pdf --key signer.key --cert signer.pem --reason "Báo cáo tháng"
case "$out" in *"PAdES-B-B"*"Nguyễn Văn An"*) ok "sign names the signer" ;; *) not_ok "sign names the signer"; diag "$out" "$err" ;; esac
n=$(stat -c %s orig.pdf)
check "the original bytes are kept (incremental update)" cmp -n "$n" orig.pdf doc.pdf
ps=$(pdfsig doc.pdf 2>&1)
case "$ps" in *"Signature is Valid"*) ok "pdfsig: signature valid" ;; *) not_ok "pdfsig: signature valid"; diag "$ps" ;; esac
case "$ps" in *"ETSI.CAdES.detached"*"Total document signed"*) ok "pdfsig: PAdES subfilter, whole document" ;; *) not_ok "pdfsig: PAdES subfilter, whole document"; diag "$ps" ;; esac
case "$ps" in *"Nguyễn Văn An"*) ok "pdfsig: the signer's name" ;; *) not_ok "pdfsig: the signer's name"; diag "$ps" ;; esac
expect_rc 0 "verify: valid" "$CANHGAC" verify doc.pdf
case "$out" in *"Nguyễn Văn An"*"signed 20"*"not checked"*) ok "verify says who, when, and that the certificate was not checked" ;; *) not_ok "verify says who and when"; diag "$out" ;; esac
expect_rc 0 "verify --ca: valid and chained" "$CANHGAC" verify doc.pdf --ca ca.pem
case "$out" in *"checked against the CA"*) ok "verify --ca says the chain was checked" ;; *) not_ok "verify --ca says the chain was checked"; diag "$out" ;; esac
expect_rc 1 "verify --ca with another CA: invalid" "$CANHGAC" verify doc.pdf --ca other.pem

# The signature carries the signing certificate and signing-certificate-v2.
python3 - doc.pdf >sig.der <<'PY'
import re, sys
b = open(sys.argv[1], 'rb').read()
m = re.search(rb'/ByteRange \[0 (\d+) +(\d+)', b)
h = b[int(m.group(1)) + 1:int(m.group(2)) - 1].rstrip(b'0')
h = h + b'0' * (len(h) % 2)
sys.stdout.buffer.write(bytes.fromhex(h.decode()))
PY
p=$(openssl cms -cmsout -print -inform DER -in sig.der 2>/dev/null)
case "$p" in *signingCertificateV2*) ok "CMS has signing-certificate-v2" ;; *) not_ok "CMS has signing-certificate-v2"; diag "$(echo "$p" | head)" ;; esac
case "$p" in *"Nguyễn Văn An"*|*"Nguy\\C3\\A1"*|*"CN=Nguy"*) ok "CMS carries the signer's certificate" ;; *) not_ok "CMS carries the signer's certificate" ;; esac
case "$p" in *signingTime*) not_ok "no signing-time attribute in a PAdES signature" ;; *) ok "no signing-time attribute in a PAdES signature" ;; esac

# Any change makes it invalid: one byte of the text, a byte appended.
flip() { python3 -c "
import sys; b=bytearray(open(sys.argv[1],'rb').read()); i=b.find(sys.argv[2].encode()); b[i]^=1; open(sys.argv[3],'wb').write(b)" "$@"; }
flip doc.pdf "/Type" bad.pdf
ps=$(pdfsig bad.pdf 2>&1)
case "$ps" in *"Signature is Valid"*) not_ok "pdfsig: invalid after one flipped byte"; diag "$ps" ;; *) ok "pdfsig: invalid after one flipped byte" ;; esac
expect_rc 1 "verify: invalid after one flipped byte" "$CANHGAC" verify bad.pdf
cp doc.pdf added.pdf; printf '%% more\n' >>added.pdf
expect_rc 1 "verify: bytes added after signing" "$CANHGAC" verify added.pdf
case "$err" in *"changed after"*) ok "reason: changed after the last signature" ;; *) not_ok "reason: changed after"; diag "$err" ;; esac
python3 -c "
import sys; b=bytearray(open('doc.pdf','rb').read()); i=b.rfind(b'>', 0, b.find(b'/M (D:')); b[i-1:i]=b'1'; open('pad.pdf','wb').write(b)"
expect_rc 1 "verify: a changed digit in the signature's padding" "$CANHGAC" verify pad.pdf
expect_rc 1 "verify: an unsigned PDF" "$CANHGAC" verify orig.pdf
expect_rc 2 "signing a signed PDF again is refused" "$CANHGAC" sign doc.pdf --key signer.key --cert signer.pem -o again.pdf
expect_rc 2 "a key that is not the certificate's is refused" "$CANHGAC" sign orig.pdf --key other.key --cert signer.pem -o x.pdf
check "nothing written when refused" test ! -e x.pdf -a ! -e again.pdf

# Detached CMS for any other file, checked by openssl.
printf 'ten,cơ quan\nA,Sở Y tế\n' >export.csv
expect_rc 0 "sign a CSV: detached .p7s" "$CANHGAC" sign export.csv --key signer.key --cert signer.pem
check "openssl cms -verify accepts the .p7s" openssl cms -verify -binary -inform DER \
	-in export.csv.p7s -content export.csv -CAfile ca.pem -purpose any -out /dev/null
expect_rc 0 "verify the CSV with its .p7s" "$CANHGAC" verify export.csv --ca ca.pem
expect_rc 0 "verify FILE.p7s checks FILE" "$CANHGAC" verify export.csv.p7s
case "$out" in *"signed 20"*) ok "the signing time of a .p7s is shown" ;; *) not_ok "the signing time of a .p7s"; diag "$out" ;; esac
printf 'B,Sở Tài chính\n' >>export.csv
expect_rc 1 "verify: a changed CSV is invalid" "$CANHGAC" verify export.csv
check "openssl agrees" sh -c "! openssl cms -verify -binary -inform DER -in export.csv.p7s -content export.csv -noverify -out /dev/null 2>/dev/null"
cp orig.pdf det.pdf
expect_rc 0 "a PDF with --detached" "$CANHGAC" sign det.pdf --detached --key signer.key --cert signer.pem
check "... left the PDF alone" cmp det.pdf orig.pdf
expect_rc 0 "... and verifies with --signature" "$CANHGAC" verify det.pdf --signature det.pdf.p7s --ca ca.pem
expect_rc 1 "a file with no signature" "$CANHGAC" verify signer.csr

# A PKCS#11 token: SoftHSM2, initialised here.
if command -v softhsm2-util >/dev/null; then
	export SOFTHSM2_CONF=$T/softhsm2.conf
	mkdir tokens
	printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$T" >"$SOFTHSM2_CONF"
	softhsm2-util --init-token --free --label canhgac --pin 246810 --so-pin 135791 >/dev/null
	openssl pkcs8 -topk8 -nocrypt -in signer.key -out signer.p8
	softhsm2-util --import signer.p8 --token canhgac --label ky-so --id 01 --pin 246810 >/dev/null
	MOD=$(ls /usr/lib/softhsm/libsofthsm2.so /usr/lib/*/softhsm/libsofthsm2.so 2>/dev/null | head -1)
	URI="pkcs11:token=canhgac;object=ky-so;type=private"
	echo 246810 >pin; echo 000000 >badpin
	cp orig.pdf tok.pdf
	expect_rc 2 "a wrong PIN is refused" "$CANHGAC" sign tok.pdf --key "$URI" --cert signer.pem --pkcs11-module "$MOD" --pin-file badpin
	case "$err" in *PIN*) ok "reason: the PIN" ;; *) not_ok "reason: the PIN"; diag "$err" ;; esac
	check "... and the PDF is untouched" cmp tok.pdf orig.pdf
	expect_rc 0 "sign with the token's key" "$CANHGAC" sign tok.pdf --key "$URI" --cert signer.pem --pkcs11-module "$MOD" --pin-file pin
	ps=$(pdfsig tok.pdf 2>&1)
	case "$ps" in *"Signature is Valid"*) ok "pdfsig: the token's signature is valid" ;; *) not_ok "pdfsig: the token's signature"; diag "$ps" ;; esac
	if command -v p11tool >/dev/null; then
		GNUTLS_PIN=246810 p11tool --provider "$MOD" --login --write --load-certificate signer.pem \
			--label ky-so --id 01 "pkcs11:token=canhgac" >/dev/null 2>&1
		cp orig.pdf tok2.pdf
		expect_rc 0 "the certificate read from the token (no --cert)" "$CANHGAC" sign tok2.pdf --key "$URI" --pkcs11-module "$MOD" --pin-file pin
		expect_rc 0 "... verifies against the CA" "$CANHGAC" verify tok2.pdf --ca ca.pem
	fi
	expect_rc 0 "a .p7s through the token" "$CANHGAC" sign export.csv --key "$URI" --cert signer.pem --pkcs11-module "$MOD" --pin-file pin
	check "openssl accepts it" openssl cms -verify -binary -inform DER -in export.csv.p7s -content export.csv -CAfile ca.pem -purpose any -out /dev/null

	# The issue's "done when": the demo's monthly report in three formats,
	# the PDF signed (PAdES) through the token, the PIN read from a file.
	"$CANHGAC" demo seed --data-dir "$T/data" >/dev/null 2>&1
	expect_rc 2 "report --sign: a wrong PIN is refused" "$CANHGAC" report monthly --period 2026-11 \
		--data-dir "$T/data" --out "$T/refused.pdf" --sign "$URI" --cert signer.pem --pkcs11-module "$MOD" --pin-file badpin
	case "$err" in *PIN*) ok "reason: the PIN" ;; *) not_ok "reason: the PIN"; diag "$err" ;; esac
	check "... and nothing is written" test ! -e "$T/refused.pdf"
	mkdir reports
	expect_rc 0 "report monthly in three formats, signed through the token" "$CANHGAC" report monthly \
		--period 2026-11 --format pdf --format docx --format xlsx --out reports/ --data-dir "$T/data" \
		--sign "$URI" --cert signer.pem --pkcs11-module "$MOD" --pin-file pin --signer-name "Nguyễn Văn An"
	R=reports/bao-cao-thang-2026-11
	ps=$(pdfsig $R.pdf 2>&1)
	case "$ps" in *"Nguyễn Văn An"*"Signature is Valid"*) ok "pdfsig: the report's token signature is valid" ;; *) not_ok "pdfsig: the report's token signature"; diag "$ps" ;; esac
	txt=$(pdftotext $R.pdf - | tr -s ' \n' ' ')
	case "$txt" in *"MỤC LỤC"*"Ký số bởi: C=VN,O=Sở Khoa học và Công nghệ,CN=Nguyễn Văn An"*) ok "the contents, and the signature block naming the certificate's subject" ;; *) not_ok "the signature block names the subject"; diag "$txt" ;; esac
	check "the DOCX's .p7s: openssl accepts it" openssl cms -verify -binary -inform DER -in $R.docx.p7s -content $R.docx -CAfile ca.pem -purpose any -out /dev/null
	check "the XLSX's .p7s: openssl accepts it" openssl cms -verify -binary -inform DER -in $R.xlsx.p7s -content $R.xlsx -CAfile ca.pem -purpose any -out /dev/null
else
	not_ok "softhsm2-util is missing (scripts/setup-deps.sh installs softhsm2)"
fi
done_testing
