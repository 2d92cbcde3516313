<?php
// Runs a scenario through the public Peepl PHP client (bandagroep/peepl-php), unchanged:
//   php run_client.php <client checkout> <base URL> <token> <scenario.json>
// The scenario is {"saved": {...}, "steps": [[save_as, "resource.method", [args...]], ...]};
// an argument "$name.field" is a value saved by an earlier step (or given in "saved").
// Prints [{"result": ...} | {"error": "...", "class": "..."}, ...], one per step.

declare(strict_types=1);

[$script, $checkout, $baseUrl, $token, $scenarioFile] = $argv;

// The client's composer autoloading (PSR-4) would not find the classes of
// Resources/OtherResources.php (several classes in one file), so every file is loaded here.
foreach ([
    'PeeplException', 'PeeplHttpClient', 'PeeplPaginatedResult', 'PeeplResource',
    'Resources/Contacts', 'Resources/Organisations', 'Resources/OtherResources', 'PeeplClient',
] as $file) {
    require_once "$checkout/src/$file.php";
}

function resolve($value, array $saved)
{
    if (is_string($value) && str_starts_with($value, '$')) {
        $found = $saved;
        foreach (explode('.', substr($value, 1)) as $key) {
            $found = $found[$key];
        }
        return $found;
    }
    if (is_array($value)) {
        return array_map(fn ($item) => resolve($item, $saved), $value);
    }
    return $value;
}

$scenario = json_decode(file_get_contents($scenarioFile), true);
$client = new Peepl\PeeplClient($token, $baseUrl);
$saved = $scenario['saved'];
$outcomes = [];
foreach ($scenario['steps'] as [$saveAs, $call, $args]) {
    [$resource, $method] = explode('.', $call);
    try {
        $result = $client->{$resource}->{$method}(...resolve($args, $saved));
        if ($result instanceof Peepl\PeeplPaginatedResult) {
            $result = get_object_vars($result);
        }
        if ($saveAs !== null) {
            $saved[$saveAs] = $result;
        }
        $outcomes[] = ['result' => $result];
    } catch (Throwable $error) {
        $outcomes[] = ['error' => $error->getMessage(), 'class' => get_class($error)];
    }
}
echo json_encode($outcomes);
