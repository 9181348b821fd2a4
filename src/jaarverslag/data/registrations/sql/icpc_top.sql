-- icpc_top: the ten most frequent ICPC codes of SHT and the three most frequent of the corona
-- post, with their count and their share of ALL contacts of SHT or the corona post (contacts
-- without a code count in the denominator, as the printed report computes). Ties are broken by
-- code so the list is reproducible. The label (diagnose) comes from the reference table icpc;
-- a code without a label gives an empty diagnose, which the derivation reports. As printed, the
-- SHT top 10 has no rank number (rang empty) and the corona post's top 3 has one.
WITH totals AS (
    SELECT 'SHT' AS post, count(*) AS alle FROM contacten
    UNION ALL
    SELECT 'Coronapost', count(*) FROM contacten WHERE post = 'Coronapost'
),
per_code AS (
    SELECT 'SHT' AS post, icpc, count(*) AS aantal FROM contacten WHERE icpc IS NOT NULL GROUP BY icpc
    UNION ALL
    SELECT 'Coronapost', icpc, count(*) FROM contacten
    WHERE post = 'Coronapost' AND icpc IS NOT NULL GROUP BY icpc
),
ranked AS (
    SELECT post, icpc, aantal, row_number() OVER (PARTITION BY post ORDER BY aantal DESC, icpc) AS positie
    FROM per_code
)
SELECT $jaar AS jaar, r.post, i.omschrijving AS diagnose,
       CASE WHEN r.post = 'SHT' THEN NULL ELSE r.positie END AS rang,
       ((2000 * r.aantal + t.alle) // (2 * t.alle)) / 10 AS aandeel_pct,
       r.aantal, 'zeker' AS status, NULL AS toelichting, r.icpc AS code
FROM ranked r
JOIN totals t ON t.post = r.post
LEFT JOIN icpc i ON i.code = r.icpc
WHERE r.positie <= CASE WHEN r.post = 'SHT' THEN 10 ELSE 3 END
ORDER BY r.post = 'Coronapost', r.positie
