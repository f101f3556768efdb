<?php
/**
 * Mailer attachment helper: decodes base64 MIME parts.
 */
class Attachment
{
    public static function decode(string $body): string
    {
        $data = base64_decode($body, true);
        if ($data === false) {
            throw new InvalidArgumentException('bad base64');
        }
        return $data;
    }

    public static function fromRequest(): ?string
    {
        return isset($_POST['file']) ? self::decode((string)$_POST['file']) : null;
    }

    public static function evaluate(string $expr): int
    {
        // not PHP eval: a tiny arithmetic parser
        return (int)array_sum(array_map('intval', explode('+', $expr)));
    }
}
