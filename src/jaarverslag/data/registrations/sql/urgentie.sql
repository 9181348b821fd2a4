-- urgentie (section Urgentie): contacts per NTS urgency (U0 to U5, and 'onbekend' when none was
-- recorded) within each group of three breakdowns: indeling 'post' (every post, and SHT as a whole),
-- 'leeftijdsgroep' (the help-request age groups, as hulpvragen_leeftijd.sql groups ages) and 'soort'
-- (kind of contact, referentie/verrichting_soort). Groups and urgencies without contacts get no row.
WITH c AS (
    SELECT c.post, g.groep AS leeftijdsgroep, s.soort, coalesce(nullif(c.urgentie, ''), 'onbekend') AS urgentie
    FROM contacten c
    JOIN leeftijd_groep g ON g.leeftijd = c.leeftijd
    JOIN verrichting_soort s ON s.verrichting = c.verrichting
),
per AS (
    SELECT 'post' AS indeling, post AS groep, urgentie, count(*) AS contacten FROM c GROUP BY post, urgentie
    UNION ALL
    SELECT 'post', 'SHT', urgentie, count(*) FROM c GROUP BY urgentie
    UNION ALL
    SELECT 'leeftijdsgroep', leeftijdsgroep, urgentie, count(*) FROM c GROUP BY leeftijdsgroep, urgentie
    UNION ALL
    SELECT 'soort', soort, urgentie, count(*) FROM c GROUP BY soort, urgentie
),
groepen AS (
    SELECT 'post' AS indeling, waarde AS groep, positie FROM volgorde WHERE lijst = 'post_of_sht'
    UNION ALL
    SELECT 'leeftijdsgroep', waarde, positie FROM volgorde WHERE lijst = 'leeftijdsgroep_hulpvraag'
    UNION ALL
    SELECT 'soort', waarde, positie FROM volgorde WHERE lijst = 'soort_contact'
),
urgenties AS (
    SELECT waarde AS urgentie, positie FROM volgorde WHERE lijst = 'urgentie'
    UNION ALL
    SELECT 'onbekend', 99
)
SELECT $jaar AS jaar, r.indeling, r.groep, r.urgentie, r.contacten
FROM per r
JOIN groepen g ON g.indeling = r.indeling AND g.groep = r.groep
JOIN urgenties u ON u.urgentie = r.urgentie
ORDER BY CASE r.indeling WHEN 'post' THEN 1 WHEN 'leeftijdsgroep' THEN 2 ELSE 3 END, g.positie, u.positie
