-- hulpvragen_leeftijd_totaal: all contacts per age group (same groups as hulpvragen_leeftijd).
WITH n AS (
    SELECT g.groep AS leeftijdsgroep, count(*) AS aantal
    FROM contacten c
    JOIN leeftijd_groep g ON g.leeftijd = c.leeftijd
    GROUP BY g.groep
)
SELECT $jaar AS jaar, n.leeftijdsgroep, n.aantal, 'zeker' AS status, NULL AS toelichting
FROM n
JOIN volgorde l ON l.lijst = 'leeftijdsgroep_hulpvraag' AND l.waarde = n.leeftijdsgroep
ORDER BY l.positie
